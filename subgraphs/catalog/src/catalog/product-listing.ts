import { and, eq, getTableColumns, gte, inArray, isNotNull, isNull, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { keysetAfter, keysetOrder, toConnection, type Connection, type Edge } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { products } from '../db/schema';
import { entriesAfter, rankBySales } from './best-selling';
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

/**
 * The one SELECT behind a page of a sort the catalog's tables hold: the filters, the keyset after the cursor, and one
 * row more than the page to see if another follows. A computed sort (RELEVANCE) is selected as `rank`.
 */
export function productPageQuery(db: CatalogDb, listing: ProductListing) {
  const spec = productSorts[listing.sort];
  if (!spec.sortBy) throw new Error(`${listing.sort} is ranked in memory, not by one query`);
  const sortBy = spec.sortBy({ search: listing.search });
  const where = filterConditions(listing);
  if (listing.after) {
    where.push(
      keysetAfter(spec.direction, [
        [sortBy, listing.after.key],
        [products.id, listing.after.id],
      ]),
    );
  }
  const columns = spec.computed ? { ...getTableColumns(products), rank: sql<number>`${sortBy}`.mapWith(Number) } : getTableColumns(products);
  return db
    .select(columns)
    .from(products)
    .where(and(...where))
    .orderBy(...keysetOrder(spec.direction, [sortBy, products.id]))
    .limit(listing.size + 1);
}

/**
 * A BEST_SELLING page: the ids the filters let through (one index-served query), ranked in memory by the units sold
 * (most first, then newest id first), the keyset applied to that ranking, and the page's rows read by id. Joining the
 * figures in SQL (a JSON table) made MariaDB scan them once per product: 0.8 s a page on the seeded store.
 */
async function bestSellingRows(db: CatalogDb, listing: ProductListing, unitsSold: UnitsSold): Promise<RankedProductRow[]> {
  const unitsOf = new Map(unitsSold.map(([productId, units]) => [productId, units]));
  const candidates = await db
    .select({ id: products.id })
    .from(products)
    .where(and(...filterConditions(listing)));
  const ranked = rankBySales(
    candidates.map((row) => row.id),
    unitsOf,
  );
  const position = listing.after && { units: (listing.after.key as BestSellingKey).units, id: listing.after.id };
  const page = entriesAfter(ranked, position, listing.size + 1);
  if (page.length === 0) return [];
  const rows = new Map(
    (
      await db
        .select()
        .from(products)
        .where(
          inArray(
            products.id,
            page.map((entry) => entry.id),
          ),
        )
    ).map((row) => [row.id, row]),
  );
  // A product deleted between the two reads is left out; products are never deleted, so this only guards.
  return page.flatMap((entry) => {
    const row = rows.get(entry.id);
    return row ? [{ ...row, rank: entry.units }] : [];
  });
}

export async function listProducts(db: CatalogDb, listing: ProductListing, unitsSold: UnitsSold = []): Promise<ProductPage> {
  if (listing.categoryId === 'none') return { ...toConnection([], listing.size, () => []), listing };
  const rows: RankedProductRow[] = listing.sort === 'BEST_SELLING' ? await bestSellingRows(db, listing, unitsSold) : await productPageQuery(db, listing);
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
