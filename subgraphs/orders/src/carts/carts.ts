import { and, asc, count, eq } from 'drizzle-orm';
import { badInput, isDuplicateKey, isTransientTransactionError, retryTransaction, type Money } from '@rtc/service-kit';
import type { Catalog, CatalogProduct } from '../clients/catalog';
import type { OrdersDb } from '../db/client';
import { cartLines, type CartLineRow } from '../db/schema';
import { maxLineQuantity, maxOrderLines, validateProductId, validateQuantity, validateVariantId } from '../checkout/order-input';
import { productReference, variantReference, type ProductReference, type VariantReference } from '../orders/references';

export interface PricedCartLine {
  readonly product: ProductReference;
  readonly variant: VariantReference;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly lineTotal: Money;
}

export interface PricedCart {
  readonly lines: PricedCartLine[];
  readonly subtotal: Money;
  readonly itemCount: number;
}

export interface Carts {
  view(userId: number): Promise<PricedCart>;
  /** `variantId` omitted: the product's default variant. */
  add(userId: number, productId: string, quantity: number, variantId?: string | null): Promise<PricedCart>;
  update(userId: number, productId: string, quantity: number, variantId?: string | null): Promise<PricedCart>;
  remove(userId: number, productId: string, variantId?: string | null): Promise<PricedCart>;
}

/**
 * Carts persist per user as variant ids (with their product's) and quantities; prices are read from the catalog whenever the cart is
 * shown. A cart holds one currency: the first line's, or the store's when empty.
 */
export function createCarts({ db, catalog, storeCurrency }: { db: OrdersDb; catalog: Catalog; storeCurrency: string }): Carts {
  const rowsOf = (userId: number) => db.select().from(cartLines).where(eq(cartLines.userId, userId)).orderBy(asc(cartLines.addedAt), asc(cartLines.variantId));

  const price = (rows: readonly CartLineRow[], products: ReadonlyMap<string, CatalogProduct | null>): PricedCart => {
    const sellable = rows.flatMap((row) => {
      const product = products.get(String(row.variantId));
      return product?.active ? [{ row, product }] : [];
    });
    const currency = sellable[0]?.product.price.currency ?? storeCurrency;
    const lines = sellable
      .filter(({ product }) => product.price.currency === currency)
      .map(({ row, product }) => ({
        product: productReference(row.productId),
        variant: variantReference(row.variantId),
        quantity: row.quantity,
        unitPrice: product.price,
        lineTotal: { amount: product.price.amount * row.quantity, currency },
      }));
    return {
      lines,
      subtotal: { amount: lines.reduce((sum, line) => sum + line.lineTotal.amount, 0), currency },
      itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    };
  };

  const view = async (userId: number) => {
    const rows = await rowsOf(userId);
    return price(rows, await catalog.variants(rows.map((row) => String(row.variantId))));
  };

  /** Checks the product's variant can be bought into this cart. */
  const assertSellable = async (userId: number, productId: number, variantId: number) => {
    const rows = await rowsOf(userId);
    const products = await catalog.variants([...rows.map((row) => String(row.variantId)), String(variantId)]);
    const product = products.get(String(variantId));
    if (!product?.active) throw badInput('productId', `unknown or inactive product ${productId}`);
    if (product.productId !== String(productId)) throw badInput('variantId', `variant ${variantId} is not a variant of product ${productId}`);
    const cart = price(rows, products);
    if (cart.lines.length > 0 && product.price.currency !== cart.subtotal.currency) {
      throw badInput('productId', `the cart holds ${cart.subtotal.currency} products; product ${productId} is priced in ${product.price.currency}`);
    }
  };

  // Two first adds of a product race past the locking read (no row to lock yet); the loser's insert meets the winner's
  // row or deadlocks on the gap, and its second run finds the line and updates it.
  const setQuantity = (userId: number, productId: number, variantId: number, quantity: number, adding: boolean) =>
    retryTransaction(() => writeQuantity(userId, productId, variantId, quantity, adding), {
      isTransient: (error) => isTransientTransactionError(error) || isDuplicateKey(error),
    });

  const writeQuantity = async (userId: number, productId: number, variantId: number, quantity: number, adding: boolean) => {
    await db.transaction(async (tx) => {
      const now = new Date();
      const [current] = await tx
        .select()
        .from(cartLines)
        .where(and(eq(cartLines.userId, userId), eq(cartLines.variantId, variantId)))
        .for('update');
      const next = adding ? (current?.quantity ?? 0) + quantity : quantity;
      if (next > maxLineQuantity) throw badInput('quantity', `the cart would hold ${next} units of product ${productId}, at most ${maxLineQuantity}`);
      if (current) {
        await tx
          .update(cartLines)
          .set({ quantity: next, updatedAt: now })
          .where(and(eq(cartLines.userId, userId), eq(cartLines.variantId, variantId)));
        return;
      }
      const [lines] = await tx.select({ n: count() }).from(cartLines).where(eq(cartLines.userId, userId));
      if ((lines?.n ?? 0) >= maxOrderLines) throw badInput('productId', `a cart holds at most ${maxOrderLines} products`);
      await tx.insert(cartLines).values({ userId, productId, variantId, quantity: next, addedAt: now, updatedAt: now });
    });
  };

  return {
    view,
    async add(userId, rawProductId, quantity, rawVariantId) {
      const productId = validateProductId(rawProductId);
      const variantId = validateVariantId(productId, rawVariantId);
      validateQuantity(quantity, 'quantity');
      await assertSellable(userId, productId, variantId);
      await setQuantity(userId, productId, variantId, quantity, true);
      return view(userId);
    },
    async update(userId, rawProductId, quantity, rawVariantId) {
      const productId = validateProductId(rawProductId);
      const variantId = validateVariantId(productId, rawVariantId);
      validateQuantity(quantity, 'quantity', { allowZero: true });
      if (quantity === 0) {
        await db.delete(cartLines).where(and(eq(cartLines.userId, userId), eq(cartLines.productId, productId), eq(cartLines.variantId, variantId)));
        return view(userId);
      }
      await assertSellable(userId, productId, variantId);
      await setQuantity(userId, productId, variantId, quantity, false);
      return view(userId);
    },
    async remove(userId, rawProductId, rawVariantId) {
      const productId = validateProductId(rawProductId);
      const variantId = validateVariantId(productId, rawVariantId);
      await db.delete(cartLines).where(and(eq(cartLines.userId, userId), eq(cartLines.productId, productId), eq(cartLines.variantId, variantId)));
      return view(userId);
    },
  };
}
