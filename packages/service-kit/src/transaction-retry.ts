import { mysqlErrorCode } from './mysql-errors';

/** InnoDB chose this transaction as a deadlock victim, or it waited too long for a row lock; it is safe to run again. */
export function isTransientTransactionError(error: unknown): boolean {
  const code = mysqlErrorCode(error);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/**
 * Runs a whole transaction again when InnoDB rolled it back as a deadlock victim (hot rows such as per-minute
 * rollups make that an expected, rare event under load). `run` must start its own transaction.
 */
export async function retryTransaction<T>(
  run: () => Promise<T>,
  {
    attempts = 4,
    backoffMs = 5,
    isTransient = isTransientTransactionError,
  }: { attempts?: number; backoffMs?: number; isTransient?: (error: unknown) => boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs * attempt * (1 + Math.random())));
    }
  }
}
