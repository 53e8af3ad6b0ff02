import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from 'mysql2/promise';
import { createLeasedJob, withLease } from './lease';
import { createLogger } from './logger';
import { withDatabase } from './mysql';

// The kit cannot use the testkit: two empty databases of its own on the test server.
const serverUrl = process.env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306';
const names = [0, 1].map((i) => `rtc_test_lease_${i}_${randomBytes(4).toString('hex')}`);
const pools: Pool[] = [];
const poolOn = (database: string) => {
  const pool = createPool({ uri: withDatabase(serverUrl, database), connectionLimit: 3 });
  pools.push(pool);
  return pool;
};
let admin: Pool;

beforeAll(async () => {
  admin = createPool({ uri: serverUrl, connectionLimit: 1 });
  for (const name of names) await admin.query(`CREATE DATABASE \`${name}\``);
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  for (const name of names) await admin?.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin?.end();
});

/** Work that runs until the returned `finish` is called. */
function heldWork() {
  let finish!: () => void;
  const done = new Promise<string>((resolve) => (finish = () => resolve('ran')));
  return { work: () => done, finish };
}

describe('withLease', () => {
  it('runs the work of one replica at a time, and the next one once the first settled', async () => {
    const [first, second] = [poolOn(names[0]!), poolOn(names[0]!)];
    const held = heldWork();
    const running = withLease(first, 'sweep', held.work);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await withLease(second, 'sweep', async () => 'ran')).toBeUndefined();
    // Another lease, or the same lease in another database, is free.
    expect(await withLease(second, 'reconcile', async () => 'ran')).toBe('ran');
    expect(await withLease(poolOn(names[1]!), 'sweep', async () => 'ran')).toBe('ran');
    held.finish();
    expect(await running).toBe('ran');
    expect(await withLease(second, 'sweep', async () => 'ran again')).toBe('ran again');
  });

  it('is free again when its holder dies, and when its work throws', async () => {
    const pool = poolOn(names[0]!);
    const connection = await pool.getConnection();
    await connection.query("SELECT GET_LOCK(SHA1(CONCAT(IFNULL(DATABASE(), ''), ?)), 0)", [':crash']);
    expect(await withLease(pool, 'crash', async () => 'ran')).toBeUndefined();
    connection.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await withLease(pool, 'crash', async () => 'ran')).toBe('ran');

    await expect(withLease(pool, 'throws', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withLease(poolOn(names[0]!), 'throws', async () => 'ran')).toBe('ran');
  });
});

describe('createLeasedJob', () => {
  it('runs on an interval in one of two replicas at a time', async () => {
    const logger = createLogger({ service: 'test', level: 'silent' });
    let concurrent = 0;
    let most = 0;
    let runs = 0;
    const run = async () => {
      concurrent += 1;
      most = Math.max(most, concurrent);
      await new Promise((resolve) => setTimeout(resolve, 30));
      concurrent -= 1;
      runs += 1;
      return runs;
    };
    const jobs = [0, 1].map(() => createLeasedJob({ name: 'tick', pool: poolOn(names[1]!), intervalMs: 10, logger, run }));
    jobs.forEach((job) => job.start());
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(jobs.map((job) => job.stop()));
    expect(runs).toBeGreaterThan(3);
    expect(most).toBe(1);
    const settled = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(settled);
    expect(await jobs[0]!.runOnce()).toBe(settled + 1);
  });
});
