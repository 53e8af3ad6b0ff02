import { badInput, pageSize, parseNumericId } from '@rtc/service-kit';
import { decodeProductCursor, type BestSellingKey, type ProductPosition, type ProductSortName } from './product-sorts';
import { planSearch, type SearchPlan } from './search-terms';

export const MAX_SEARCH_LENGTH = 200;

/** BEST_SELLING ranks the units ordered over this many days before the listing's first page was read. */
export const BEST_SELLING_WINDOW_DAYS = 30;

/** The listing arguments as GraphQL hands them over (filter fields may be null or absent). */
export interface ProductListingArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly sort?: ProductSortName | null;
  readonly filter?: {
    readonly categoryId?: string | null;
    readonly search?: string | null;
    readonly minPrice?: number | null;
    readonly maxPrice?: number | null;
    readonly activeOnly?: boolean | null;
    readonly onSale?: boolean | null;
  } | null;
}

/** A validated listing request, ready to become one SQL query. */
export interface ProductListing {
  readonly size: number;
  readonly sort: ProductSortName;
  readonly after: ProductPosition | null;
  /** null: any category; 'none': the filter named an id that cannot exist. A category lists its descendants' products too. */
  readonly categoryId: number | 'none' | null;
  readonly search: SearchPlan | null;
  readonly minPrice: number | null;
  readonly maxPrice: number | null;
  readonly activeOnly: boolean;
  /** true: only products with a compare-at price; false: only those without; null: both. */
  readonly onSale: boolean | null;
  /** BEST_SELLING only: the (exclusive) end of the window of sales it ranks, kept by the cursor across pages. */
  readonly salesWindowEnd: Date | null;
}

/** The window BEST_SELLING ranks: the days before `windowEnd`. */
export function salesWindow(windowEnd: Date): { from: Date; to: Date } {
  return { from: new Date(windowEnd.getTime() - BEST_SELLING_WINDOW_DAYS * 86_400_000), to: windowEnd };
}

function priceBound(argument: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (value < 0) throw badInput(argument, 'must not be negative');
  return value;
}

/** Checks every argument, naming the first bad one, before anything touches the database. */
export function parseProductListing({ first, after, sort, filter }: ProductListingArgs, now: Date = new Date()): ProductListing {
  const size = pageSize(first);
  const search = filter?.search ?? '';
  if (search.length > MAX_SEARCH_LENGTH) throw badInput('filter.search', `must be at most ${MAX_SEARCH_LENGTH} characters`);
  const plan = planSearch(search);
  // Without a search there is nothing to rank by relevance: such a listing is the newest first, with NEWEST's cursors.
  const order = sort === 'RELEVANCE' && plan === null ? 'NEWEST' : (sort ?? 'NEWEST');
  const position = decodeProductCursor(after, order);
  let salesWindowEnd: Date | null = null;
  if (order === 'BEST_SELLING') {
    // Whole minutes, as orders' rollups count sales, ending a minute back: a checkout committing now may still write
    // the minute just ended, but none writes an earlier one, so the window's figures no longer change.
    salesWindowEnd = position ? (position.key as BestSellingKey).windowEnd : new Date(Math.floor(now.getTime() / 60_000) * 60_000 - 60_000);
  }
  const minPrice = priceBound('filter.minPrice', filter?.minPrice);
  const maxPrice = priceBound('filter.maxPrice', filter?.maxPrice);
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) {
    throw badInput('filter.minPrice', 'must not be greater than filter.maxPrice');
  }
  const rawCategory = filter?.categoryId;
  return {
    size,
    sort: order,
    after: position,
    categoryId: rawCategory === null || rawCategory === undefined ? null : (parseNumericId(rawCategory) ?? 'none'),
    search: plan,
    minPrice,
    maxPrice,
    activeOnly: filter?.activeOnly ?? true,
    onSale: filter?.onSale ?? null,
    salesWindowEnd,
  };
}
