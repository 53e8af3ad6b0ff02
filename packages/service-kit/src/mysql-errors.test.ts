import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isDuplicateKey, isMissingReference, mysqlErrorCode } from './mysql-errors';

describe('mysql error codes', () => {
  it('reads the code of a driver error and of one wrapped by Drizzle', () => {
    const driver = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' });
    expect(mysqlErrorCode(driver)).toBe('ER_DUP_ENTRY');
    expect(isDuplicateKey(new Error('Failed query', { cause: driver }))).toBe(true);
  });

  it('recognises a missing foreign key target', () => {
    const driver = Object.assign(new Error('Cannot add or update a child row'), { code: 'ER_NO_REFERENCED_ROW_2' });
    expect(isMissingReference(new Error('Failed query', { cause: driver }))).toBe(true);
    expect(isDuplicateKey(driver)).toBe(false);
  });

  it('knows nothing of errors without a MySQL code', () => {
    expect(mysqlErrorCode(new Error('boom'))).toBeUndefined();
    expect(mysqlErrorCode(Object.assign(new Error('net'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(mysqlErrorCode('not an error')).toBeUndefined();
  });
});

describe('database unavailability', () => {
  const driverError = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('recognises a refused, lost or timed-out connection, also wrapped by Drizzle', () => {
    for (const code of ['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT', 'ER_CON_COUNT_ERROR', 'ER_LOCK_WAIT_TIMEOUT']) {
      expect(isDatabaseUnavailable(new Error('Failed query: select 1', { cause: driverError(code) })), code).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("Can't add new command when connection is in closed state"))).toBe(true);
  });

  it('leaves statement errors alone', () => {
    expect(isDatabaseUnavailable(driverError('ER_DUP_ENTRY'))).toBe(false);
    expect(isDatabaseUnavailable(driverError('ER_PARSE_ERROR'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
