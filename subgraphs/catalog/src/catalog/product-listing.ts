import { and, eq, getTableColumns, gte, inArray, isNotNull, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { keysetAfter, keysetOrder, toConnection, type Connection, type Edge } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { products } from '../db/schema';
import { descendantCategoryIds } from './category-tree';
import type { ProductListing } from './product-listing-args';
import { productCursorKey, productSorts, type BestSellingKey, type RankedProductRow } from './product-sorts';
import type { UnitsSold } from './sales-ranking';
import type { SearchPlan } from './search-terms';

/** A page of products, with the listing it was read for: its total count and facets are read only when asked for. */
export type ProductPage = Connection<RankedProductRow> & { readonly listing: ProductListing };
export type ProductPageEdge = Edge<RankedProductRow>;

function searchCondition(search: SearchPlan): SQL {
  if (search.kind === 'words') {
    return sql`MATCH(${products.name}, ${products.sku}, ${products.description}) AGAINST (${search.booleanQuery} IN BOOLEAN MODE)`;
  }
  return or(like(products.name, search.likePattern), like(products.sku, search.likePattern))!;
}

/** Which filters of a listing a query applies: a facet counts across its own filter, as shoppers expect. */
export interface FilterScope {
  readonly category?: boolean;
  readonly price?: boolean;
}

/** The listing's filters, without the cursor's position. A category filter takes in every category under it. */
export function filterConditions(listing: ProductListing, { category = true, price = true }: FilterScope = {}): SQL[] {
  const where: SQL[] = [];
  if (listing.activeOnly) where.push(eq(products.active, true));
  if (category && typeof listing.categoryId === 'number') where.push(inArray(products.categoryId, descendantCategoryIds(listing.categoryId)));
  if (price && listing.minPrice !== null) where.push(gte(products.priceAmount, listing.minPrice));
  if (price && listing.maxPrice !== null) where.push(lte(products.priceAmount, listing.maxPrice));
  if (listing.onSale !== null) where.push(listing.onSale ? isNotNull(products.compareAtAmount) : isNull(products.compareAtAmount));
  if (listing.search) where.push(searchCondition(listing.search));
  return where;
}

/** The listing's sort value of the cursor's row, as SQL compares it. */
function positionKey(listing: ProductListing): unknown {
  const key = listing.after?.key;
  return listing.sort === 'BEST_SELLING' ? (key as BestSellingKey).units : key;
}

/**
 * The one SELECT behind a page: the filters, the keyset after the cursor, and one row more than the page to see if
 * another follows. A computed sort is selected as `rank`; BEST_SELLING joins the units sold (`[[productId, units]]`
 * as a JSON table) to the products, those not in it counting 0.
 */
export function productPageQuery(db: CatalogDb, listing: ProductListing, unitsSold: UnitsSold = []) {
  const spec = productSorts[listing.sort];
  const sortBy = spec.sortBy({ search: listing.search });
  const where = filterConditions(listing);
  if (listing.after) {
    where.push(
      keysetAfter(spec.direction, [
        [sortBy, positionKey(listing)],
        [products.id, listing.after.id],
      ]),
    );
  }
  const columns = spec.computed ? { ...getTableColumns(products), rank: sql<number>`${sortBy}`.mapWith(Number) } : getTableColumns(products);
  const from = db.select(columns).from(products);
  const joined =
    listing.sort === 'BEST_SELLING'
      ? from.leftJoin(
          sql`JSON_TABLE(${JSON.stringify(unitsSold)}, '$[*]' COLUMNS (product_id BIGINT UNSIGNED PATH '$[0]', units BIGINT PATH '$[1]')) AS sales`,
          sql`sales.product_id = ${products.id}`,
        )
      : from;
  return joined
    .where(and(...where))
    .orderBy(...keysetOrder(spec.direction, [sortBy, products.id]))
    .limit(listing.size + 1);
}

export async function listProducts(db: CatalogDb, listing: ProductListing, unitsSold: UnitsSold = []): Promise<ProductPage> {
  if (listing.categoryId === 'none') return { ...toConnection([], listing.size, () => []), listing };
  const rows: RankedProductRow[] = await productPageQuery(db, listing, unitsSold);
  return {
    ...toConnection(rows, listing.size, (row) => productCursorKey(listing.sort, row, listing.salesWindowEnd), listing.after !== null),
    listing,
  };
}

/** How many products the listing shows over all its pages. */
export async function countProducts(db: CatalogDb, listing: ProductListing): Promise<number> {
  if (listing.categoryId === 'none') return 0;
  const [row] = await db
    .select({ count: sql<number>`COUNT(*)`.mapWith(Number) })
    .from(products)
    .where(and(...filterConditions(listing)));
  return row?.count ?? 0;
}
