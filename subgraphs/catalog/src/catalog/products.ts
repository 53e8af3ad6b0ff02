import { eq } from 'drizzle-orm';
import { appendToOutbox, badInput, conflict, isDuplicateKey, isMissingReference, notFound, parseNumericId, runnerOnDrizzle } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { outbox, products, productVariants, type ProductRow } from '../db/schema';
import { productChangedEvent } from './catalog-events';
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

/**
 * `onEventsWritten` is told after each commit that wrote a `ProductChanged` event (the relay's nudge): the gateway
 * evicts its cached reads of the product from it.
 */
export function createProducts(db: CatalogDb, onEventsWritten: () => void = () => undefined): Products {
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
      let created: ProductRow;
      try {
        created = await db.transaction(async (tx) => {
          const [result] = await tx.insert(products).values(values);
          // Its default variant: the product's id, SKU and price, and no options.
          await tx.insert(productVariants).values({
            id: result.insertId,
            productId: result.insertId,
            sku: values.sku,
            selectedOptions: [],
            priceAmount: values.priceAmount,
            position: 0,
            createdAt: values.createdAt,
          });
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [productChangedEvent(result.insertId, Object.keys(values))]);
          return { ...values, id: result.insertId };
        });
      } catch (error) {
        throw writeFailure(error, values.sku);
      }
      onEventsWritten();
      return created;
    },

    async update(id, input) {
      const changes = parseUpdateProduct(input);
      const productId = parseNumericId(id);
      if (productId === null) throw notFound('Product');
      const fields = Object.keys(changes);
      let changed: boolean;
      try {
        // The row and its ProductChanged event commit together; a failing foreign key leaves both unwritten.
        changed = await db.transaction(async (tx) => {
          if (fields.length === 0) return false;
          const [result] = await tx.update(products).set(changes).where(eq(products.id, productId));
          if (result.affectedRows === 0) return false;
          // The product's price is its default variant's.
          if (changes.priceAmount !== undefined) {
            await tx.update(productVariants).set({ priceAmount: changes.priceAmount }).where(eq(productVariants.id, productId));
          }
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [productChangedEvent(productId, fields)]);
          return true;
        });
      } catch (error) {
        throw writeFailure(error);
      }
      if (changed) onEventsWritten();
      const updated = await byId(productId);
      if (!updated) throw notFound('Product');
      return updated;
    },
  };
}
