import { badInput, pageSize, parseNumericId } from '@rtc/service-kit';
import { decodeProductCursor, type ProductPosition, type ProductSortName } from './product-sorts';
import { planSearch, type SearchPlan } from './search-terms';

export const MAX_SEARCH_LENGTH = 200;

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
  } | null;
}

/** A validated listing request, ready to become one SQL query. */
export interface ProductListing {
  readonly size: number;
  readonly sort: ProductSortName;
  readonly after: ProductPosition | null;
  /** null: any category; 'none': the filter named an id that cannot exist. */
  readonly categoryId: number | 'none' | null;
  readonly search: SearchPlan | null;
  readonly minPrice: number | null;
  readonly maxPrice: number | null;
  readonly activeOnly: boolean;
}

function priceBound(argument: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (value < 0) throw badInput(argument, 'must not be negative');
  return value;
}

/** Checks every argument, naming the first bad one, before anything touches the database. */
export function parseProductListing({ first, after, sort, filter }: ProductListingArgs): ProductListing {
  const size = pageSize(first);
  const order = sort ?? 'NEWEST';
  const position = decodeProductCursor(after, order);
  const minPrice = priceBound('filter.minPrice', filter?.minPrice);
  const maxPrice = priceBound('filter.maxPrice', filter?.maxPrice);
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) {
    throw badInput('filter.minPrice', 'must not be greater than filter.maxPrice');
  }
  const search = filter?.search ?? '';
  if (search.length > MAX_SEARCH_LENGTH) throw badInput('filter.search', `must be at most ${MAX_SEARCH_LENGTH} characters`);
  const rawCategory = filter?.categoryId;
  return {
    size,
    sort: order,
    after: position,
    categoryId: rawCategory === null || rawCategory === undefined ? null : (parseNumericId(rawCategory) ?? 'none'),
    search: planSearch(search),
    minPrice,
    maxPrice,
    activeOnly: filter?.activeOnly ?? true,
  };
}
