import { and, asc, eq, isNull, max } from 'drizzle-orm';
import { appendToOutbox, badInput, isDuplicateKey, notFound, parseNumericId, runnerOnDrizzle } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { outbox, products, productVariants, type ProductRow, type ProductVariantRow, type SelectedOptionValue } from '../db/schema';
import { catalogError } from './catalog-errors';
import { productChangedEvent } from './catalog-events';
import { MAX_VARIANTS_PER_PRODUCT, parseAddVariant, parseUpdateVariant, type AddVariantArgs, type UpdateVariantArgs } from './variant-input';
import { sameOptionNames, sameOptionValues } from './variant-options';

/** Adding, changing and removing a product's variants; admins only (the resolvers check). */
export interface Variants {
  add(input: AddVariantArgs): Promise<ProductVariantRow>;
  update(input: UpdateVariantArgs): Promise<ProductVariantRow>;
  /** Takes the variant off sale and out of its product's list; resolves with the product. */
  remove(id: string): Promise<ProductRow>;
}

type Tx = Parameters<Parameters<CatalogDb['transaction']>[0]>[0];

/** The default variant carries its product's id. */
export const isDefaultVariant = (variant: Pick<ProductVariantRow, 'id' | 'productId'>) => variant.id === variant.productId;

const skuTaken = (sku: string) => catalogError('CONFLICT', `A product or variant with SKU ${sku} already exists`, ['input', 'sku']);

/** Refuses options that do not fit the product's other live variants: other names, or the values of a sibling. */
function checkOptions(selected: readonly SelectedOptionValue[], siblings: readonly ProductVariantRow[]): void {
  const first = siblings[0];
  if (first && !sameOptionNames(selected, first.selectedOptions)) {
    const names = first.selectedOptions.map((option) => option.name).join(', ') || 'no options';
    throw catalogError('OPTIONS_MISMATCH', `The product's variants have ${names}; a variant must name the same options in the same order`, [
      'input',
      'selectedOptions',
    ]);
  }
  if (siblings.some((sibling) => sameOptionValues(selected, sibling.selectedOptions))) {
    throw catalogError('CONFLICT', 'Another variant of the product has these option values', ['input', 'selectedOptions']);
  }
}

/**
 * `onEventsWritten` is told after each commit that wrote a `ProductChanged` event: a variant change changes what its
 * product's page shows, so the gateway evicts the product's cached reads.
 */
export function createVariants(db: CatalogDb, onEventsWritten: () => void = () => undefined): Variants {
  // The product's live variants, locked: concurrent changes of one product's variants take turns.
  const lockedVariants = (tx: Tx, productId: number) =>
    tx
      .select()
      .from(productVariants)
      .where(and(eq(productVariants.productId, productId), isNull(productVariants.removedAt)))
      .orderBy(asc(productVariants.position), asc(productVariants.id))
      .for('update');
  const liveVariant = async (tx: Tx, id: number) => {
    const [row] = await tx
      .select()
      .from(productVariants)
      .where(and(eq(productVariants.id, id), isNull(productVariants.removedAt)))
      .for('update');
    if (!row) throw notFound('ProductVariant');
    return row;
  };
  const variantById = async (id: number) => (await db.select().from(productVariants).where(eq(productVariants.id, id)).limit(1))[0]!;
  const announce = (tx: Tx, productId: number) => appendToOutbox(runnerOnDrizzle(tx), outbox, [productChangedEvent(productId, ['variants'])]);

  return {
    async add(input) {
      const variant = parseAddVariant(input);
      let id: number;
      try {
        id = await db.transaction(async (tx) => {
          const [product] = await tx.select({ id: products.id }).from(products).where(eq(products.id, variant.productId)).for('update');
          if (!product) throw notFound('Product');
          const siblings = await lockedVariants(tx, variant.productId);
          if (siblings.length >= MAX_VARIANTS_PER_PRODUCT) throw badInput('input.productId', `a product has at most ${MAX_VARIANTS_PER_PRODUCT} variants`);
          checkOptions(variant.selectedOptions, siblings);
          const [last] = await tx
            .select({ position: max(productVariants.position) })
            .from(productVariants)
            .where(eq(productVariants.productId, variant.productId));
          const position = variant.position ?? (last?.position ?? -1) + 1;
          const [result] = await tx.insert(productVariants).values({ ...variant, position, createdAt: new Date() });
          await announce(tx, variant.productId);
          return result.insertId;
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw skuTaken(variant.sku);
        throw error;
      }
      onEventsWritten();
      return variantById(id);
    },

    async update(input) {
      const { id, changes } = parseUpdateVariant(input);
      try {
        await db.transaction(async (tx) => {
          const current = await liveVariant(tx, id);
          if (changes.selectedOptions) {
            const siblings = (await lockedVariants(tx, current.productId)).filter((row) => row.id !== id);
            checkOptions(changes.selectedOptions, siblings);
          }
          await tx.update(productVariants).set(changes).where(eq(productVariants.id, id));
          // The product's SKU and price are its default variant's: both change together.
          if (isDefaultVariant(current) && (changes.sku !== undefined || changes.priceAmount !== undefined)) {
            await tx
              .update(products)
              .set({
                ...(changes.sku !== undefined && { sku: changes.sku }),
                ...(changes.priceAmount !== undefined && { priceAmount: changes.priceAmount }),
              })
              .where(eq(products.id, current.productId));
          }
          await announce(tx, current.productId);
        });
      } catch (error) {
        if (isDuplicateKey(error)) throw skuTaken(changes.sku ?? '');
        throw error;
      }
      onEventsWritten();
      return variantById(id);
    },

    async remove(id) {
      const variantId = parseNumericId(id);
      if (variantId === null) throw notFound('ProductVariant');
      const productId = await db.transaction(async (tx) => {
        const current = await liveVariant(tx, variantId);
        if (isDefaultVariant(current)) {
          throw catalogError('DEFAULT_VARIANT', 'The default variant stays as long as its product: change its options or price instead', ['input', 'id']);
        }
        await tx.update(productVariants).set({ removedAt: new Date() }).where(eq(productVariants.id, variantId));
        await announce(tx, current.productId);
        return current.productId;
      });
      onEventsWritten();
      return (await db.select().from(products).where(eq(products.id, productId)).limit(1))[0]!;
    },
  };
}
