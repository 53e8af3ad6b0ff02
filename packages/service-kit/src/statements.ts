import { getTableColumns, sql } from 'drizzle-orm';
import { getTableConfig, type MySqlDatabase, type MySqlTable } from 'drizzle-orm/mysql-core';
import { format, type ResultSetHeader } from 'mysql2';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { ServiceMetrics } from './metrics';
import { metricsOfPool, traceStatement, tracingOfPool, type PoolTracing } from './mysql';
import { inSpan, inTrace } from './tracing';

export type { ResultSetHeader };

/**
 * Where a hot-path statement runs: a pool, the connection of a transaction, or a Drizzle transaction.
 * Drizzle builds each statement anew from its query tree, which was the largest single cost of a checkout;
 * the statements here are rendered once from the same Drizzle tables and only take fresh values.
 */
export interface SqlRunner {
  /** One statement with `?` placeholders (an array value expands to a list); rows, or a ResultSetHeader. */
  run<T>(text: string, values: readonly unknown[]): Promise<T>;
}

// Any drizzle MySQL database or transaction.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMysqlDb = MySqlDatabase<any, any, any, any>;

export function runnerOn(client: Pool | PoolConnection): SqlRunner {
  return {
    async run<T>(text: string, values: readonly unknown[]) {
      const [result] = await client.query(text, values as unknown[]);
      return result as T;
    },
  };
}

/** Each statement timed into the service's query histogram, as the instrumented pool times its own. */
function timedRunner(runner: SqlRunner, metrics: ServiceMetrics): SqlRunner {
  return {
    async run<T>(text: string, values: readonly unknown[]) {
      const end = metrics.dbQueryDuration.startTimer();
      try {
        return await runner.run<T>(text, values);
      } finally {
        end();
      }
    },
  };
}

/** Each statement in a client span of the pool's tracer. */
function tracedRunner(runner: SqlRunner, tracing: PoolTracing): SqlRunner {
  return {
    run<T>(text: string, values: readonly unknown[]) {
      return traceStatement(tracing, text, () => runner.run<T>(text, values));
    },
  };
}

/** Statements of a runner inside a Drizzle transaction (or on a Drizzle database), on its connection. */
export function runnerOnDrizzle(db: AnyMysqlDb): SqlRunner {
  return {
    async run<T>(text: string, values: readonly unknown[]) {
      // The pools run with timezone 'Z'; mysql2 would format the values the same way client-side.
      const [result] = (await db.execute(sql.raw(format(text, values as Parameters<typeof format>[1], false, 'Z')))) as unknown as [T];
      return result;
    },
  };
}

/** A statement with `?` placeholders and its values, to run alone or in a batch (see runBatch). */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/**
 * Several statements in one round trip (the pools run with multipleStatements); resolves with each statement's
 * result in order. The server stops at the first that fails and the call rejects with its error.
 */
export async function runBatch(runner: SqlRunner, statements: readonly Statement[]): Promise<unknown[]> {
  if (statements.length === 0) return [];
  if (statements.length === 1) return [await runner.run<unknown>(statements[0]!.text, statements[0]!.values)];
  const values: unknown[] = [];
  for (const statement of statements) for (const value of statement.values) values.push(value);
  return runner.run<unknown[]>(statements.map((statement) => statement.text).join('; '), values);
}

/** The runner of one transaction: its first statement carries the `begin`, and `commitWith` carries the `commit`. */
export interface TransactionRunner extends SqlRunner {
  /**
   * The transaction's last statements and its commit in one round trip; resolves with their results. Nothing may
   * run on the transaction after it.
   */
  commitWith(statements: readonly Statement[]): Promise<unknown[]>;
}

/**
 * One transaction on a pool connection: `begin` … `commit`, or `rollback` when `work` throws. `begin` rides with
 * the first statement and `commit` with `commitWith`'s, so a transaction of two batches costs two round trips.
 */
export async function inTransaction<T>(pool: Pool, work: (runner: TransactionRunner) => Promise<T>): Promise<T> {
  const tracing = tracingOfPool(pool);
  if (!tracing || !inTrace()) return runTransaction(pool, work);
  return inSpan(tracing.tracer, `transaction ${tracing.database}`, {}, () => runTransaction(pool, work, tracing));
}

async function runTransaction<T>(pool: Pool, work: (runner: TransactionRunner) => Promise<T>, tracing?: PoolTracing): Promise<T> {
  const connection = await pool.getConnection();
  try {
    let runner = runnerOn(connection);
    const metrics = metricsOfPool(pool);
    if (metrics) runner = timedRunner(runner, metrics);
    if (tracing) runner = tracedRunner(runner, tracing);
    let begun = false;
    let committed = false;
    const transaction: TransactionRunner = {
      async run<R>(text: string, values: readonly unknown[]) {
        if (committed) throw new Error('the transaction was committed');
        if (begun) return runner.run<R>(text, values);
        begun = true;
        // A batch's results stay a list; a single statement's result is returned as itself.
        const [, ...results] = await runner.run<unknown[]>(`begin; ${text}`, values);
        return (results.length === 1 ? results[0] : results) as R;
      },
      async commitWith(statements) {
        if (committed) throw new Error('the transaction was committed');
        const opening = begun ? [] : [{ text: 'begin', values: [] }];
        begun = true;
        const results = await runBatch(runner, [...opening, ...statements, { text: 'commit', values: [] }]);
        committed = true;
        return results.slice(opening.length, -1);
      },
    };
    try {
      const result = await work(transaction);
      if (!committed) {
        const commit = () => connection.query(begun ? 'commit' : 'begin; commit');
        await (tracing ? traceStatement(tracing, 'commit', commit) : commit());
      }
      return result;
    } catch (error) {
      if (begun && !committed) await connection.query('rollback').catch(() => undefined);
      throw error;
    }
  } finally {
    connection.release();
  }
}

export interface RowInsertOptions<K extends string = string> {
  /** The `on duplicate key update` assignments, as SQL. */
  readonly onDuplicateKeyUpdate?: string;
  /**
   * Columns whose value is SQL rather than a bare placeholder, e.g. `@order_id` set earlier in the same batch, or
   * `if(@claimed = 1, ?, null)`: a `?` in it takes the row's value for the column, and without one the value is left out.
   */
  readonly expressions?: Partial<Record<K, string>>;
}

/** A multi-row INSERT into a Drizzle table, of the given columns; values go through the columns' own mapping. */
export interface RowInsert<Row> {
  run(runner: SqlRunner, rows: readonly Row[]): Promise<ResultSetHeader>;
  /** The same INSERT as a statement, to send in a batch. */
  statement(rows: readonly Row[]): Statement;
}

// Row counts above this are rendered per call (bulk loads), not kept.
const cachedRowCounts = 64;

export function createRowInsert<T extends MySqlTable, K extends keyof T['$inferInsert'] & string>(
  table: T,
  keys: readonly K[],
  { onDuplicateKeyUpdate, expressions = {} }: RowInsertOptions<K> = {},
): RowInsert<Pick<T['$inferInsert'], K>> {
  const { name } = getTableConfig(table);
  const columns = getTableColumns(table);
  const placed = keys.map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`${name} has no column ${key}`);
    const placeholder = expressions[key] ?? '?';
    const takes = placeholder.split('?').length - 1;
    if (takes > 1) throw new Error(`the expression of ${name}.${key} takes its value once at most`);
    return { key, column, placeholder, takesValue: takes === 1 };
  });
  const picked = placed.filter((column) => column.takesValue);
  const head = `insert into \`${name}\` (${placed.map(({ column }) => `\`${column.name}\``).join(', ')}) values `;
  const tuple = `(${placed.map(({ placeholder }) => placeholder).join(', ')})`;
  const tail = onDuplicateKeyUpdate ? ` on duplicate key update ${onDuplicateKeyUpdate}` : '';
  const render = (rows: number) => head + Array.from({ length: rows }, () => tuple).join(', ') + tail;
  const rendered = new Map<number, string>();
  const textFor = (rows: number) => {
    if (rows > cachedRowCounts) return render(rows);
    let text = rendered.get(rows);
    if (!text) rendered.set(rows, (text = render(rows)));
    return text;
  };
  const statement = (rows: readonly Pick<T['$inferInsert'], K>[]): Statement => {
    if (rows.length === 0) throw new Error(`an insert into ${name} needs rows`);
    const values: unknown[] = [];
    for (const row of rows) {
      for (const { key, column } of picked) {
        const value = (row as Record<string, unknown>)[key];
        values.push(value === undefined || value === null ? null : column.mapToDriverValue(value));
      }
    }
    return { text: textFor(rows.length), values };
  };
  return {
    statement,
    async run(runner, rows) {
      const { text, values } = statement(rows);
      return runner.run<ResultSetHeader>(text, values);
    },
  };
}

/** A DATETIME as read: a Date through mysql2, or Drizzle's raw string (UTC, without a zone). */
export function readDateTime(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
