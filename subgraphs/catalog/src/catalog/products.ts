import { eq } from 'drizzle-orm';
import { badInput, conflict, isDuplicateKey, isMissingReference, notFound, parseNumericId } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { products, type ProductRow } from '../db/schema';
import { normalizeSku, parseCreateProduct, parseUpdateProduct, type CreateProductArgs, type UpdateProductArgs } from './product-input';
import { productFacets, type ProductFacetCounts } from './product-facets';
import { parseProductListing, type ProductListing, type ProductListingArgs } from './product-listing-args';
import { countProducts, listProducts, type ProductPage } from './product-listing';

export interface Products {
  list(args: ProductListingArgs): Promise<ProductPage>;
  /** How many products `listing` shows over all its pages. */
  count(listing: ProductListing): Promise<number>;
  facets(listing: ProductListing): Promise<ProductFacetCounts>;
  bySku(sku: string): Promise<ProductRow | null>;
  create(input: CreateProductArgs): Promise<ProductRow>;
  update(id: string, input: UpdateProductArgs): Promise<ProductRow>;
}

function writeFailure(error: unknown, sku?: string): unknown {
  if (isDuplicateKey(error)) return conflict(`A product with SKU ${sku ?? ''} already exists`);
  if (isMissingReference(error)) return badInput('input.categoryId', 'no category has this id');
  return error;
}

export function createProducts(db: CatalogDb): Products {
  const byId = async (id: number) => (await db.select().from(products).where(eq(products.id, id)).limit(1))[0] ?? null;

  return {
    list: (args) => listProducts(db, parseProductListing(args)),
    count: (listing) => countProducts(db, listing),
    facets: (listing) => productFacets(db, listing),

    async bySku(sku) {
      let normalized: string;
      try {
        normalized = normalizeSku('sku', sku);
      } catch {
        return null; // A SKU that cannot exist is simply unknown.
      }
      return (await db.select().from(products).where(eq(products.sku, normalized)).limit(1))[0] ?? null;
    },

    async create(input) {
      const values = { ...parseCreateProduct(input), createdAt: new Date() };
      try {
        const [result] = await db.insert(products).values(values);
        return { ...values, id: result.insertId };
      } catch (error) {
        throw writeFailure(error, values.sku);
      }
    },

    async update(id, input) {
      const changes = parseUpdateProduct(input);
      const productId = parseNumericId(id);
      if (productId === null) throw notFound('Product');
      try {
        // One statement: a failing foreign key leaves the row as it was.
        await db.update(products).set(changes).where(eq(products.id, productId));
      } catch (error) {
        throw writeFailure(error);
      }
      const updated = await byId(productId);
      if (!updated) throw notFound('Product');
      return updated;
    },
  };
}
