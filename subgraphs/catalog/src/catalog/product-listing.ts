import { and, eq, gte, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { keysetAfter, keysetOrder, toConnection, type Connection, type Edge } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { products, type ProductRow } from '../db/schema';
import type { ProductListing } from './product-listing-args';
import { productCursorKey, productSorts } from './product-sorts';
import type { SearchPlan } from './search-terms';

/** A page of products, with the listing it was read for: its total count and facets are read only when asked for. */
export type ProductPage = Connection<ProductRow> & { readonly listing: ProductListing };
export type ProductPageEdge = Edge<ProductRow>;

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

/** The listing's filters, without the cursor's position. */
export function filterConditions(listing: ProductListing, { category = true, price = true }: FilterScope = {}): SQL[] {
  const where: SQL[] = [];
  if (listing.activeOnly) where.push(eq(products.active, true));
  if (category && typeof listing.categoryId === 'number') where.push(eq(products.categoryId, listing.categoryId));
  if (price && listing.minPrice !== null) where.push(gte(products.priceAmount, listing.minPrice));
  if (price && listing.maxPrice !== null) where.push(lte(products.priceAmount, listing.maxPrice));
  if (listing.search) where.push(searchCondition(listing.search));
  return where;
}

function conditions(listing: ProductListing): SQL[] {
  const where = filterConditions(listing);
  const { direction, column } = productSorts[listing.sort];
  if (listing.after)
    where.push(
      keysetAfter(direction, [
        [column, listing.after.key],
        [products.id, listing.after.id],
      ]),
    );
  return where;
}

/** The one SELECT behind a page: the filters, the keyset after the cursor, and one row more than the page to see if another follows. */
export function productPageQuery(db: CatalogDb, listing: ProductListing) {
  const { direction, column } = productSorts[listing.sort];
  return db
    .select()
    .from(products)
    .where(and(...conditions(listing)))
    .orderBy(...keysetOrder(direction, [column, products.id]))
    .limit(listing.size + 1);
}

export async function listProducts(db: CatalogDb, listing: ProductListing): Promise<ProductPage> {
  if (listing.categoryId === 'none') return { ...toConnection([], listing.size, () => []), listing };
  const rows = await productPageQuery(db, listing);
  return { ...toConnection(rows, listing.size, (row) => productCursorKey(listing.sort, row), listing.after !== null), listing };
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
