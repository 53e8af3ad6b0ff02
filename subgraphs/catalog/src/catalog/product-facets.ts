import { and, sql } from 'drizzle-orm';
import type { CatalogDb } from '../db/client';
import { products } from '../db/schema';
import { filterConditions } from './product-listing';
import type { ProductListing } from './product-listing-args';

/** The price bands facets count, in minor units: each from its bound (inclusive) to the next (exclusive), the last open. */
export const priceBandBounds = [0, 1_000, 2_500, 5_000, 10_000, 25_000] as const;

export interface CategoryCount {
  readonly categoryId: number;
  readonly count: number;
}

export interface PriceBandCount {
  readonly minPrice: number;
  /** Exclusive; null for the last band. */
  readonly maxPrice: number | null;
  readonly count: number;
}

export interface ProductFacetCounts {
  readonly categories: CategoryCount[];
  readonly priceBands: PriceBandCount[];
}

/** Every band, in order, with its count; bands without products count 0. */
export function priceBandsOf(countsByBand: ReadonlyMap<number, number>): PriceBandCount[] {
  return priceBandBounds.map((minPrice, index) => ({
    minPrice,
    maxPrice: priceBandBounds[index + 1] ?? null,
    count: countsByBand.get(index) ?? 0,
  }));
}

/**
 * Counts per category and per price band of the products a listing shows. Each facet ignores its own filter (the
 * category counts keep the price range and search, and the reverse), so a shopper sees what choosing another
 * category or band would show; the cursor plays no part.
 */
export async function productFacets(db: CatalogDb, listing: ProductListing): Promise<ProductFacetCounts> {
  if (listing.categoryId === 'none') return { categories: [], priceBands: priceBandsOf(new Map()) };
  // INTERVAL(n, b1, b2, …) is the index of the last bound <= n, so band 0 starts at 0.
  const band = sql<number>`INTERVAL(${products.priceAmount}, ${sql.join(
    priceBandBounds.slice(1).map((bound) => sql`${bound}`),
    sql`, `,
  )})`;
  const count = sql<number>`COUNT(*)`.mapWith(Number);
  const [categories, bands] = await Promise.all([
    db
      .select({ categoryId: products.categoryId, count })
      .from(products)
      .where(and(...filterConditions(listing, { category: false })))
      .groupBy(products.categoryId)
      .orderBy(products.categoryId),
    db
      .select({ band: band.mapWith(Number).as('band'), count })
      .from(products)
      .where(and(...filterConditions(listing, { price: false })))
      .groupBy(sql`band`),
  ]);
  return {
    categories: categories.map((row) => ({ categoryId: row.categoryId, count: row.count })),
    priceBands: priceBandsOf(new Map(bands.map((row) => [row.band, row.count]))),
  };
}
