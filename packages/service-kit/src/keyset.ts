import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';

export type SortDirection = 'asc' | 'desc';

/** One column (or computed expression, e.g. a rank) of a keyset and the value of the last row already served. */
export type KeysetPart = readonly [column: AnyColumn | SQL, value: unknown];

/**
 * Rows strictly after the last served row in `ORDER BY k1, k2, … <direction>`:
 * `k1 > v1 OR (k1 = v1 AND (k2 > v2 OR …))`. The last part must be unique (the id) so ties never repeat or vanish.
 */
export function keysetAfter(direction: SortDirection, parts: readonly [KeysetPart, ...KeysetPart[]]): SQL {
  const beyond = direction === 'asc' ? gt : lt;
  const [[part, value], ...rest] = parts;
  // drizzle's comparisons take a column or an expression, not their union: one overload serves both at run time.
  const column = part as SQL;
  if (rest.length === 0) return beyond(column, value);
  return or(beyond(column, value), and(eq(column, value), keysetAfter(direction, rest as [KeysetPart, ...KeysetPart[]])))!;
}

/** The ORDER BY that matches keysetAfter for the same columns and direction. */
export function keysetOrder(direction: SortDirection, columns: readonly (AnyColumn | SQL)[]): SQL[] {
  return columns.map((column) => (direction === 'asc' ? asc(column) : desc(column)));
}
