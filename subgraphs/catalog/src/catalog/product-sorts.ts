import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { badInput, decodeCursor, type SortDirection } from '@rtc/service-kit';
import { products, type ProductRow } from '../db/schema';
import { relevanceScore } from './relevance';
import type { SearchPlan } from './search-terms';

export type ProductSortName = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'NAME_ASC' | 'RELEVANCE' | 'BEST_SELLING';

type SortKey = string | number;

/** A product row as a page reads it: computed sorts (relevance, units sold) bring their rank along. */
export type RankedProductRow = ProductRow & { readonly rank?: number };

/** What a computed sort's expression needs to know about the listing. */
export interface SortContext {
  readonly search: SearchPlan | null;
}

interface ProductSortSpec {
  readonly direction: SortDirection;
  /**
   * The column, or for computed sorts the SQL expression, the listing is ordered by (then by id); null when the
   * ranking comes from outside the catalog's tables and is applied in memory (BEST_SELLING: orders' figures).
   */
  readonly sortBy: ((context: SortContext) => AnyColumn | SQL) | null;
  /** True when `sortBy` is computed: the page selects it as `rank`. */
  readonly computed: boolean;
  /** The sort value of a row as it travels in a cursor (JSON-safe). */
  readonly keyOf: (row: RankedProductRow, windowEnd: Date | null) => SortKey;
  /** The cursor value back as the SQL value, or undefined when it cannot come from this sort. */
  readonly parseKey: (key: SortKey) => unknown;
}

const nonNegativeInteger = (key: SortKey) => (typeof key === 'number' && Number.isSafeInteger(key) && key >= 0 ? key : undefined);

const price = { sortBy: () => products.priceAmount, computed: false, keyOf: (row: ProductRow) => row.priceAmount, parseKey: nonNegativeInteger };

/** Where a BEST_SELLING page stands: the end of the window its ranking counts and the last row's units. */
export interface BestSellingKey {
  readonly windowEnd: Date;
  readonly units: number;
}

// A BEST_SELLING cursor keeps its window as `<window end, epoch ms>:<units>`, so every page ranks the same sales.
const bestSellingKey = /^(\d{1,15}):(\d{1,15})$/;

// Every sort ends in id (same direction), which makes the order total: ties never repeat or skip across pages.
export const productSorts: Record<ProductSortName, ProductSortSpec> = {
  NEWEST: {
    direction: 'desc',
    sortBy: () => products.createdAt,
    computed: false,
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
    sortBy: () => products.name,
    computed: false,
    keyOf: (row) => row.name,
    parseKey: (key) => (typeof key === 'string' ? key : undefined),
  },
  RELEVANCE: {
    direction: 'desc',
    sortBy: ({ search }) => (search ? relevanceScore(search) : sql<number>`0`),
    computed: true,
    keyOf: (row) => row.rank ?? 0,
    parseKey: nonNegativeInteger,
  },
  BEST_SELLING: {
    direction: 'desc',
    sortBy: null,
    computed: true,
    keyOf: (row, windowEnd) => `${windowEnd?.getTime() ?? 0}:${row.rank ?? 0}`,
    parseKey: (key) => {
      const match = typeof key === 'string' ? bestSellingKey.exec(key) : null;
      if (!match) return undefined;
      const [millis, units] = [Number(match[1]), Number(match[2])];
      return { windowEnd: new Date(millis), units } satisfies BestSellingKey;
    },
  },
};

export interface ProductPosition {
  /** The SQL value of the sort column of the last row served (a BestSellingKey for BEST_SELLING). */
  readonly key: unknown;
  readonly id: number;
}

/** A cursor names its sort, so one taken from another sort is refused instead of silently skipping rows. */
export function productCursorKey(sort: ProductSortName, row: RankedProductRow, windowEnd: Date | null = null): SortKey[] {
  return [sort, productSorts[sort].keyOf(row, windowEnd), row.id];
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
