import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/mysql2';
import { datetime, int, json, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { createPool, type Pool } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceMetrics } from './metrics';
import { createMysqlPool, withDatabase } from './mysql';
import { createRowInsert, inTransaction, readDateTime, runBatch, runnerOn, runnerOnDrizzle, type ResultSetHeader } from './statements';

const counters = mysqlTable('counters', {
  name: varchar('name', { length: 32 }).primaryKey(),
  hits: int('hits').notNull(),
  details: json('details').$type<{ tags: string[] }>(),
  seenAt: datetime('seen_at', { mode: 'date', fsp: 3 }).notNull(),
});

const addHits = createRowInsert(counters, ['name', 'hits', 'details', 'seenAt'], {
  onDuplicateKeyUpdate: '`hits` = `hits` + VALUES(`hits`)',
});

// The tests' own database on the local server (DATABASE_URL without a database, as the testkit reads it).
const serverUrl = process.env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306';
const database = `rtc_test_statements_${randomBytes(4).toString('hex')}`;
let admin: Pool;
let pool: Pool;

interface CounterRow {
  name: string;
  hits: number;
  details: { tags: string[] } | null;
  seen_at: Date;
}

const rows = async () => (await pool.query('select * from `counters` order by `name`'))[0] as CounterRow[];

beforeAll(async () => {
  admin = createPool({ uri: serverUrl, connectionLimit: 1 });
  await admin.query(`create database \`${database}\``);
  pool = createMysqlPool({ url: withDatabase(serverUrl, database), connectionLimit: 2 });
  await pool.query('create table `counters` (`name` varchar(32) primary key, `hits` int not null, `details` json, `seen_at` datetime(3) not null)');
});

afterAll(async () => {
  await pool?.end();
  await admin?.query(`drop database if exists \`${database}\``);
  await admin?.end();
});

describe('rendered statements', () => {
  it('inserts rows through the columns’ own mapping (JSON, UTC datetimes) and upserts on a duplicate key', async () => {
    const seenAt = new Date('2026-03-01T10:20:30.456Z');
    await addHits.run(runnerOn(pool), [
      { name: 'a', hits: 2, details: { tags: ['x'] }, seenAt },
      { name: 'b', hits: 1, details: null, seenAt },
    ]);
    await addHits.run(runnerOn(pool), [{ name: 'a', hits: 3, details: null, seenAt }]);
    expect(await rows()).toEqual([
      { name: 'a', hits: 5, details: { tags: ['x'] }, seen_at: seenAt },
      { name: 'b', hits: 1, details: null, seen_at: seenAt },
    ]);
  });

  it('renders a column as SQL where given: a `?` in it takes the row’s value, a variable set earlier in the batch takes none', async () => {
    const seenAt = new Date('2026-03-02T08:00:00.000Z');
    const fromBatch = createRowInsert(counters, ['name', 'hits', 'details', 'seenAt'], {
      expressions: { hits: '@rtc_test_hits', details: "json_set(?, '$.copied', @rtc_test_hits)" },
    });
    const statement = fromBatch.statement([{ name: 'expr', hits: 999, details: { tags: ['y'] }, seenAt }]);
    expect(statement.text).toContain("(?, @rtc_test_hits, json_set(?, '$.copied', @rtc_test_hits), ?)");
    expect(statement.values).toHaveLength(3);
    await runBatch(runnerOn(pool), [{ text: 'set @rtc_test_hits = ?', values: [7] }, statement]);
    const [row] = (await pool.query('select `hits`, `details` from `counters` where `name` = ?', ['expr']))[0] as CounterRow[];
    expect(row).toEqual({ hits: 7, details: { tags: ['y'], copied: 7 } });
    await pool.query('delete from `counters` where `name` = ?', ['expr']);
    expect(() => createRowInsert(counters, ['name', 'hits'], { expressions: { hits: 'greatest(?, ?)' } })).toThrow('once at most');
  });

  it('refuses an insert without rows', async () => {
    await expect(addHits.run(runnerOn(pool), [])).rejects.toThrow('needs rows');
  });

  it('rolls a transaction back when its work throws, and commits it otherwise', async () => {
    const seenAt = new Date();
    await expect(
      inTransaction(pool, async (tx) => {
        await addHits.run(tx, [{ name: 'rolled-back', hits: 1, details: null, seenAt }]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await inTransaction(pool, (tx) => addHits.run(tx, [{ name: 'kept', hits: 1, details: null, seenAt }]));
    expect((await rows()).map((row) => row.name)).toEqual(['a', 'b', 'kept']);
  });

  it('times the statements of a transaction on an instrumented pool into the query histogram', async () => {
    const metrics = createServiceMetrics('statements-test');
    const instrumented = createMysqlPool({ url: withDatabase(serverUrl, database), connectionLimit: 1, metrics });
    const timedStatements = async () => (await metrics.dbQueryDuration.get()).values.find((value) => value.metricName?.endsWith('_count'))?.value ?? 0;
    try {
      const before = await timedStatements();
      await inTransaction(instrumented, async (tx) => {
        await tx.run('select 1', []);
        await tx.run('select 2', []);
      });
      expect((await timedStatements()) - before).toBe(2);
    } finally {
      await instrumented.end();
    }
  });

  it('sends a transaction of two batches in two round trips: begin with the first, commit with the last', async () => {
    const metrics = createServiceMetrics('statements-batch-test');
    const instrumented = createMysqlPool({ url: withDatabase(serverUrl, database), connectionLimit: 1, metrics });
    const timedStatements = async () => (await metrics.dbQueryDuration.get()).values.find((value) => value.metricName?.endsWith('_count'))?.value ?? 0;
    const seenAt = new Date();
    try {
      const before = await timedStatements();
      const [first, second] = await inTransaction(instrumented, async (tx) => {
        const opened = (await runBatch(tx, [
          addHits.statement([{ name: 'batch-1', hits: 1, details: null, seenAt }]),
          { text: 'select `hits` from `counters` where `name` = ?', values: ['batch-1'] },
        ])) as [ResultSetHeader, { hits: number }[]];
        return [opened, await tx.commitWith([addHits.statement([{ name: 'batch-2', hits: opened[1][0]!.hits + 1, details: null, seenAt }])])];
      });
      expect((await timedStatements()) - before).toBe(2);
      expect(first[0].affectedRows).toBe(1);
      expect((second[0] as ResultSetHeader).affectedRows).toBe(1);
      expect((await rows()).filter((row) => row.name.startsWith('batch-')).map((row) => [row.name, row.hits])).toEqual([
        ['batch-1', 1],
        ['batch-2', 2],
      ]);
    } finally {
      await instrumented.end();
    }
  });

  it('rolls back a whole transaction when a statement of its commit batch fails', async () => {
    const seenAt = new Date();
    await expect(
      inTransaction(pool, async (tx) => {
        await addHits.run(tx, [{ name: 'undone', hits: 1, details: null, seenAt }]);
        await tx.commitWith([
          addHits.statement([{ name: 'undone-too', hits: 1, details: null, seenAt }]),
          { text: 'select * from `no_such_table`', values: [] },
        ]);
      }),
    ).rejects.toThrow(/no_such_table/);
    expect((await rows()).map((row) => row.name).filter((name) => name.startsWith('undone'))).toEqual([]);
  });

  it('runs inside a Drizzle transaction, expanding array values into lists', async () => {
    const db = drizzle(pool);
    await expect(
      db.transaction(async (tx) => {
        const runner = runnerOnDrizzle(tx);
        await runner.run('update `counters` set `hits` = `hits` + ? where `name` in (?)', [10, ['a', 'b']]);
        const read = await runner.run<{ name: string; hits: number; seen_at: Date | string }[]>(
          'select `name`, `hits`, `seen_at` from `counters` where `name` in (?) order by `name`',
          [['a', 'b']],
        );
        expect(read.map((row) => [row.name, row.hits])).toEqual([
          ['a', 15],
          ['b', 11],
        ]);
        expect(readDateTime(read[0]!.seen_at)).toEqual(new Date('2026-03-01T10:20:30.456Z'));
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect((await rows()).map((row) => row.hits)).toEqual([5, 1, 1, 2, 1]);
  });
});
