import type { AnyColumn } from 'drizzle-orm';
import { badInput, decodeCursor, type SortDirection } from '@rtc/service-kit';
import { products, type ProductRow } from '../db/schema';

export type ProductSortName = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'NAME_ASC';

type SortKey = string | number;

interface ProductSortSpec {
  readonly direction: SortDirection;
  readonly column: AnyColumn;
  /** The sort value of a row as it travels in a cursor (JSON-safe). */
  readonly keyOf: (row: ProductRow) => SortKey;
  /** The cursor value back as the SQL value, or undefined when it cannot come from this sort. */
  readonly parseKey: (key: SortKey) => unknown;
}

const nonNegativeInteger = (key: SortKey) => (typeof key === 'number' && Number.isSafeInteger(key) && key >= 0 ? key : undefined);

const price = { column: products.priceAmount, keyOf: (row: ProductRow) => row.priceAmount, parseKey: nonNegativeInteger };

// Every sort ends in id (same direction), which makes the order total: ties never repeat or skip across pages.
export const productSorts: Record<ProductSortName, ProductSortSpec> = {
  NEWEST: {
    direction: 'desc',
    column: products.createdAt,
    keyOf: (row) => row.createdAt.getTime(),
    parseKey: (key) => {
      const millis = nonNegativeInteger(key);
      return millis === undefined ? undefined : new Date(millis);
    },
  },
  PRICE_ASC: { direction: 'asc', ...price },
  PRICE_DESC: { direction: 'desc', ...price },
  NAME_ASC: {
    direction: 'asc',
    column: products.name,
    keyOf: (row) => row.name,
    parseKey: (key) => (typeof key === 'string' ? key : undefined),
  },
};

export interface ProductPosition {
  /** The SQL value of the sort column of the last row served. */
  readonly key: unknown;
  readonly id: number;
}

/** A cursor names its sort, so one taken from another sort is refused instead of silently skipping rows. */
export function productCursorKey(sort: ProductSortName, row: ProductRow): SortKey[] {
  return [sort, productSorts[sort].keyOf(row), row.id];
}

export function decodeProductCursor(after: string | null | undefined, sort: ProductSortName): ProductPosition | null {
  const decoded = decodeCursor(after, 3);
  if (decoded === null) return null;
  const [tag, rawKey, id] = decoded as [SortKey, SortKey, SortKey];
  if (tag !== sort) throw badInput('after', `cursor belongs to another sort than ${sort}`);
  const key = productSorts[sort].parseKey(rawKey);
  if (key === undefined || nonNegativeInteger(id) === undefined) throw badInput('after', 'malformed cursor');
  return { key, id: id as number };
}
