import { describe, expect, it } from 'vitest';
import { isTransientTransactionError, retryTransaction } from './transaction-retry';

const mysqlError = (code: string) => new Error('Failed query', { cause: Object.assign(new Error(code), { code }) });

describe('retryTransaction', () => {
  it('runs a deadlocked transaction again until it commits', async () => {
    let calls = 0;
    const result = await retryTransaction(async () => {
      calls += 1;
      if (calls < 3) throw mysqlError('ER_LOCK_DEADLOCK');
      return 'committed';
    });
    expect([result, calls]).toEqual(['committed', 3]);
  });

  it('gives up after the last attempt with the deadlock error', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls += 1;
        throw mysqlError('ER_LOCK_DEADLOCK');
      },
      { attempts: 2, backoffMs: 0 },
    );
    await expect(failing).rejects.toThrow('Failed query');
    expect(calls).toBe(2);
  });

  it('never repeats other errors', async () => {
    let calls = 0;
    const failing = retryTransaction(async () => {
      calls += 1;
      throw mysqlError('ER_DUP_ENTRY');
    });
    await expect(failing).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('knows lock wait timeouts as transient too', () => {
    expect(isTransientTransactionError(mysqlError('ER_LOCK_WAIT_TIMEOUT'))).toBe(true);
    expect(isTransientTransactionError(new Error('boom'))).toBe(false);
  });
});
