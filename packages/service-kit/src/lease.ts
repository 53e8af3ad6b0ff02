import type { Pool } from 'mysql2/promise';
import type { Logger } from './logger';

/**
 * Runs `work` only if no other process holds the lease `name` in this database, and holds it until `work` settles.
 * The lease is a MySQL named lock (GET_LOCK) on a connection of its own: the server frees it when that connection
 * ends, so a crashed holder never keeps it. Resolves with `undefined` when another process held it.
 */
export async function withLease<T>(pool: Pool, name: string, work: () => Promise<T>): Promise<T | undefined> {
  const connection = await pool.getConnection();
  // Lock names are server-wide and at most 64 characters: hashed with the database's name, one lease per database.
  const lock = "SHA1(CONCAT(IFNULL(DATABASE(), ''), ?))";
  try {
    const [rows] = await connection.query(`SELECT GET_LOCK(${lock}, 0) AS held`, [`:${name}`]);
    if ((rows as { held: number | null }[])[0]?.held !== 1) return undefined;
    try {
      return await work();
    } finally {
      await connection.query(`DO RELEASE_LOCK(${lock})`, [`:${name}`]).catch(() => connection.destroy());
    }
  } finally {
    connection.release();
  }
}

export interface LeasedJob<T> {
  /** Runs every interval from now on; an interval of 0 or less never starts. */
  start(): void;
  /** One run now under the lease, waiting for a run in progress first; `undefined` when another replica held the lease. */
  runOnce(): Promise<T | undefined>;
  /** Waits for a run in progress, then runs no more. */
  stop(): Promise<void>;
}

export interface LeasedJobOptions<T> {
  readonly name: string;
  readonly pool: Pool;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly run: () => Promise<T>;
}

/** A periodic duty that one replica at a time performs: runs never overlap within a process, the lease keeps replicas apart. */
export function createLeasedJob<T>({ name, pool, intervalMs, logger, run }: LeasedJobOptions<T>): LeasedJob<T> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T | undefined> | undefined;

  const runOnce = async (): Promise<T | undefined> => {
    while (running) await running.catch(() => undefined);
    running = withLease(pool, name, run).finally(() => (running = undefined));
    return running;
  };

  return {
    start() {
      if (intervalMs <= 0 || timer) return;
      timer = setInterval(() => {
        if (running) return;
        runOnce().catch((error: unknown) => logger.error({ err: error, job: name }, 'periodic job failed; it runs again next interval'));
      }, intervalMs);
      timer.unref();
    },
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
