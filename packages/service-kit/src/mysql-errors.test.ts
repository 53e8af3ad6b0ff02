import { describe, expect, it } from 'vitest';
import { isDuplicateKey, isMissingReference, mysqlErrorCode } from './mysql-errors';

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
