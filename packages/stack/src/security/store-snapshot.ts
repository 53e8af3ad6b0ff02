import { createPool } from 'mysql2/promise';
import type { TestStack } from '../testing';

/** Rows per table of every service database, keyed `<service>.<table>`. */
export type RowCounts = Record<string, number>;

/** Counts the rows of every table of the stack's four databases in one statement. */
export async function countRows(stack: TestStack): Promise<RowCounts> {
  const pool = createPool({ uri: stack.serverUrl, connectionLimit: 1 });
  try {
    const schemas = Object.entries(stack.databases);
    const [tables] = await pool.query('SELECT table_schema AS db, table_name AS name FROM information_schema.tables WHERE table_schema IN (?) ORDER BY 1, 2', [
      schemas.map(([, database]) => database),
    ]);
    const serviceOf = new Map(schemas.map(([service, database]) => [database, service]));
    const list = tables as { db: string; name: string }[];
    const union = list
      .map(({ db, name }) => `SELECT ${pool.escape(`${serviceOf.get(db)}.${name}`)} AS t, COUNT(*) AS n FROM \`${db}\`.\`${name}\``)
      .join(' UNION ALL ');
    const [rows] = await pool.query(union);
    return Object.fromEntries((rows as { t: string; n: number | string }[]).map(({ t, n }) => [t, Number(n)]));
  } finally {
    await pool.end();
  }
}

/** The tables whose row count moved, with how far. */
export function rowCountChanges(before: RowCounts, after: RowCounts): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const delta = (after[table] ?? 0) - (before[table] ?? 0);
    if (delta !== 0) changes[table] = delta;
  }
  return changes;
}
