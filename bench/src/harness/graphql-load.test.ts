import { describe, expect, it } from 'vitest';
import { answerFailure } from './graphql-load';

const body = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`);

describe('a read benchmark answer', () => {
  it('is a success when it holds data and no error', () => {
    expect(answerFailure(200, body({ data: { products: { edges: [] } } }))).toBeNull();
  });

  it('fails with the code of its first error, wherever the server put the errors', () => {
    expect(answerFailure(200, body({ errors: [{ message: 'down', extensions: { code: 'SERVICE_UNAVAILABLE' } }], data: null }))?.code).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(answerFailure(200, body({ data: { me: null }, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }))?.code).toBe('FORBIDDEN');
  });

  it('fails when it carries no data, is not JSON, or names no code', () => {
    expect(answerFailure(200, body({ data: null }))?.code).toBe('HTTP_200');
    expect(answerFailure(502, Buffer.from('<html>bad gateway</html>'))?.message).toContain('not JSON');
    expect(answerFailure(429, body({ errors: [{ message: 'slow down' }] }))?.code).toBe('HTTP_429');
  });

  it('is parsed when data merely mentions errors, and still succeeds', () => {
    expect(answerFailure(200, body({ data: { note: '"errors": none' } }))).toBeNull();
  });
});
