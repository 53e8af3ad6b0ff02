import { asc, eq, inArray, like, or } from 'drizzle-orm';
import {
  appendToOutbox,
  badInput,
  businessFailure,
  ErrorCode,
  isDuplicateKey,
  isMissingReference,
  notFound,
  parseNumericId,
  runnerOnDrizzle,
} from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { outbox, productImages, products, productVariants, type ProductImageRow, type ProductRow } from '../db/schema';
import { productChangedEvent } from './catalog-events';
import { firstFreeHandle, handleFromName } from './handles';
import { productFacets, type ProductFacetCounts } from './product-facets';
import type { NewProductImage } from './product-images';
import {
  checkCompareAtPrice,
  normalizeHandle,
  normalizeSku,
  parseCreateProduct,
  parseUpdateProduct,
  type CreateProductArgs,
  type UpdateProductArgs,
} from './product-input';
import { parseProductListing, salesWindow, type ProductListing, type ProductListingArgs } from './product-listing-args';
import { countProducts, listProducts, type ProductPage } from './product-listing';
import type { SalesRanking } from './sales-ranking';

export interface Products {
  list(args: ProductListingArgs): Promise<ProductPage>;
  /** How many products `listing` shows over all its pages. */
  count(listing: ProductListing): Promise<number>;
  facets(listing: ProductListing): Promise<ProductFacetCounts>;
  bySku(sku: string): Promise<ProductRow | null>;
  byHandle(handle: string): Promise<ProductRow | null>;
  create(input: CreateProductArgs): Promise<ProductRow>;
  update(id: string, input: UpdateProductArgs): Promise<ProductRow>;
}

type Transaction = Parameters<Parameters<CatalogDb['transaction']>[0]>[0];

function duplicateOf(error: unknown, key: string): boolean {
  return isDuplicateKey(error) && error instanceof Error && error.message.includes(key);
}

function writeFailure(error: unknown, sku?: string, handle?: string): unknown {
  if (duplicateOf(error, 'products_handle_unique'))
    return businessFailure(ErrorCode.Conflict, `A product with handle ${handle ?? ''} already exists`, { field: ['input', 'handle'] });
  if (isDuplicateKey(error)) return businessFailure(ErrorCode.Conflict, `A product with SKU ${sku ?? ''} already exists`, { field: ['input', 'sku'] });
  if (isMissingReference(error)) return badInput('input.categoryId', 'no category has this id');
  return error;
}

/** The stored handles `base` or `base-…`: what a handle derived from `base` must not be. */
async function handlesLike(tx: Transaction, base: string): Promise<Set<string>> {
  const rows = await tx
    .select({ handle: products.handle })
    .from(products)
    .where(or(eq(products.handle, base), like(products.handle, `${base}-%`)));
  return new Set(rows.map((row) => row.handle));
}

async function replaceImages(tx: Transaction, productId: number, images: readonly NewProductImage[]): Promise<void> {
  await tx.delete(productImages).where(eq(productImages.productId, productId));
  if (images.length > 0) await tx.insert(productImages).values(images.map((image) => ({ ...image, productId })));
}

// A derived handle may be taken by a concurrent creation between the look-up and the insert: try the next one.
const handleAttempts = 3;

/**
 * `onEventsWritten` is told after each commit that wrote a `ProductChanged` event (the relay's nudge): the gateway
 * evicts its cached reads of the product from it. `sales` ranks BEST_SELLING listings.
 */
export function createProducts(db: CatalogDb, sales: SalesRanking, onEventsWritten: () => void = () => undefined): Products {
  const byId = async (id: number) => (await db.select().from(products).where(eq(products.id, id)).limit(1))[0] ?? null;

  return {
    async list(args) {
      const listing = parseProductListing(args);
      const unitsSold = listing.salesWindowEnd ? await sales.unitsSold(salesWindow(listing.salesWindowEnd)) : [];
      return listProducts(db, listing, unitsSold);
    },
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

    async byHandle(handle) {
      let normalized: string;
      try {
        normalized = normalizeHandle('handle', handle);
      } catch {
        return null; // Nor can a handle that breaks the rules.
      }
      return (await db.select().from(products).where(eq(products.handle, normalized)).limit(1))[0] ?? null;
    },

    async create(input) {
      const parsed = parseCreateProduct(input);
      const createdAt = new Date();
      let created: ProductRow | undefined;
      for (let attempt = 1; !created; attempt += 1) {
        let handle = parsed.handle ?? '';
        try {
          created = await db.transaction(async (tx) => {
            handle = parsed.handle ?? firstFreeHandle(handleFromName(parsed.row.name), await handlesLike(tx, handleFromName(parsed.row.name)));
            const values = { ...parsed.row, handle, createdAt };
            const [result] = await tx.insert(products).values(values);
            // Its default variant: the product's id, SKU, price and compare-at price, and no options.
            await tx.insert(productVariants).values({
              id: result.insertId,
              productId: result.insertId,
              sku: values.sku,
              selectedOptions: [],
              priceAmount: values.priceAmount,
              compareAtAmount: values.compareAtAmount ?? null,
              position: 0,
              createdAt,
            });
            await replaceImages(tx, result.insertId, parsed.images);
            await appendToOutbox(runnerOnDrizzle(tx), outbox, [productChangedEvent(result.insertId, [...Object.keys(values), 'images'])]);
            return { ...values, id: result.insertId };
          });
        } catch (error) {
          const derivedTaken = parsed.handle === null && duplicateOf(error, 'products_handle_unique');
          if (!derivedTaken || attempt >= handleAttempts) throw writeFailure(error, parsed.row.sku, handle);
        }
      }
      onEventsWritten();
      return created;
    },

    async update(id, input) {
      const { changes, images } = parseUpdateProduct(input);
      const productId = parseNumericId(id);
      if (productId === null) throw notFound('Product');
      const fields = [...Object.keys(changes), ...(images ? ['images'] : [])];
      let found: boolean;
      try {
        // The row, its images and its ProductChanged event commit together; a failing rule leaves all unwritten.
        found = await db.transaction(async (tx) => {
          const [current] = await tx.select().from(products).where(eq(products.id, productId)).for('update');
          if (!current) return false;
          const price = changes.priceAmount ?? current.priceAmount;
          const compareAt = changes.compareAtAmount === undefined ? current.compareAtAmount : changes.compareAtAmount;
          if (changes.compareAtAmount !== undefined) checkCompareAtPrice('input.compareAtPrice', price, compareAt);
          else if (compareAt !== null && compareAt <= price)
            throw badInput('input.price', 'must stay below the compare-at price; lower or clear compareAtPrice too');
          if (Object.keys(changes).length > 0) await tx.update(products).set(changes).where(eq(products.id, productId));
          // The product's price and compare-at price are its default variant's.
          if (changes.priceAmount !== undefined || changes.compareAtAmount !== undefined) {
            await tx.update(productVariants).set({ priceAmount: price, compareAtAmount: compareAt }).where(eq(productVariants.id, productId));
          }
          if (images) await replaceImages(tx, productId, images);
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [productChangedEvent(productId, fields)]);
          return true;
        });
      } catch (error) {
        throw writeFailure(error, undefined, changes.handle);
      }
      if (!found) throw notFound('Product');
      onEventsWritten();
      const updated = await byId(productId);
      if (!updated) throw notFound('Product');
      return updated;
    },
  };
}

/** The images of each product, by position: what the images loader batches. */
export function imagesOfProducts(db: CatalogDb, productIds: readonly number[]): Promise<ProductImageRow[]> {
  return db
    .select()
    .from(productImages)
    .where(inArray(productImages.productId, [...productIds]))
    .orderBy(asc(productImages.productId), asc(productImages.position));
}
