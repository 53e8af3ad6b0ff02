import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first`; a missing value means the default page size. */
export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, max);
  if (!Number.isInteger(first) || first < 0) throw badInput('first', 'must be a non-negative integer');
  if (first > max) throw badInput('first', `must be at most ${max}`);
  return first;
}

/** Cursors are opaque to clients: base64url JSON of the sort key tuple. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number, argument = 'after'): (string | number)[] | null {
  if (cursor === null || cursor === undefined) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(argument, 'malformed cursor');
  }
  const valid = Array.isArray(key) && key.length === arity && key.every((part) => typeof part === 'string' || typeof part === 'number');
  if (!valid) throw badInput(argument, 'malformed cursor');
  return key as (string | number)[];
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
}

export interface Connection<T> {
  readonly edges: Edge<T>[];
  readonly pageInfo: PageInfo;
}

/** A page and how to count its whole listing: `totalCount` runs the count only when a client asks for it. */
export type CountedConnection<T> = Connection<T> & { readonly count: () => Promise<number> };

/** A page with the count of its listing (its filters, not its cursor) to read on demand. */
export function withCount<T>(connection: Connection<T>, count: () => Promise<number>): CountedConnection<T> {
  return { ...connection, count };
}

/** The page of a listing that matches nothing (or that the caller may not see). */
export function emptyConnection<T>(): Connection<T> {
  return { edges: [], pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null } };
}

/**
 * Builds a connection from `size + 1` fetched rows; the extra row only says that a next page exists. `afterCursor`:
 * whether the page was read after a cursor. Pages are read forwards only, so a page read after one has products
 * before it (Relay's rule for `first`/`after`), and the first page has none.
 */
export function toConnection<T>(rows: readonly T[], size: number, keyOf: (row: T) => (string | number)[], afterCursor = false): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasPreviousPage: afterCursor,
      startCursor: edges[0]?.cursor ?? null,
    },
  };
}
