import { and, asc, count, eq } from 'drizzle-orm';
import { badInput, isDuplicateKey, isTransientTransactionError, retryTransaction, type Money } from '@rtc/service-kit';
import type { Catalog, CatalogProduct } from '../clients/catalog';
import type { OrdersDb } from '../db/client';
import { cartLines, type CartLineRow } from '../db/schema';
import { maxLineQuantity, maxOrderLines, validateProductId, validateQuantity } from '../checkout/order-input';
import { productReference, type ProductReference } from '../orders/references';

export interface PricedCartLine {
  readonly product: ProductReference;
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
  add(userId: number, productId: string, quantity: number): Promise<PricedCart>;
  update(userId: number, productId: string, quantity: number): Promise<PricedCart>;
  remove(userId: number, productId: string): Promise<PricedCart>;
}

/**
 * Carts persist per user as product ids and quantities; prices are read from the catalog whenever the cart is
 * shown. A cart holds one currency: the first line's, or the store's when empty.
 */
export function createCarts({ db, catalog, storeCurrency }: { db: OrdersDb; catalog: Catalog; storeCurrency: string }): Carts {
  const rowsOf = (userId: number) => db.select().from(cartLines).where(eq(cartLines.userId, userId)).orderBy(asc(cartLines.addedAt), asc(cartLines.productId));

  const price = (rows: readonly CartLineRow[], products: ReadonlyMap<string, CatalogProduct | null>): PricedCart => {
    const sellable = rows.flatMap((row) => {
      const product = products.get(String(row.productId));
      return product?.active ? [{ row, product }] : [];
    });
    const currency = sellable[0]?.product.price.currency ?? storeCurrency;
    const lines = sellable
      .filter(({ product }) => product.price.currency === currency)
      .map(({ row, product }) => ({
        product: productReference(row.productId),
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
    return price(rows, await catalog.products(rows.map((row) => String(row.productId))));
  };

  /** Checks the product can be bought into this cart. */
  const assertSellable = async (userId: number, productId: number) => {
    const rows = await rowsOf(userId);
    const products = await catalog.products([...rows.map((row) => String(row.productId)), String(productId)]);
    const product = products.get(String(productId));
    if (!product?.active) throw badInput('productId', `unknown or inactive product ${productId}`);
    const cart = price(rows, products);
    if (cart.lines.length > 0 && product.price.currency !== cart.subtotal.currency) {
      throw badInput('productId', `the cart holds ${cart.subtotal.currency} products; product ${productId} is priced in ${product.price.currency}`);
    }
  };

  // Two first adds of a product race past the locking read (no row to lock yet); the loser's insert meets the winner's
  // row or deadlocks on the gap, and its second run finds the line and updates it.
  const setQuantity = (userId: number, productId: number, quantity: number, adding: boolean) =>
    retryTransaction(() => writeQuantity(userId, productId, quantity, adding), {
      isTransient: (error) => isTransientTransactionError(error) || isDuplicateKey(error),
    });

  const writeQuantity = async (userId: number, productId: number, quantity: number, adding: boolean) => {
    await db.transaction(async (tx) => {
      const now = new Date();
      const [current] = await tx
        .select()
        .from(cartLines)
        .where(and(eq(cartLines.userId, userId), eq(cartLines.productId, productId)))
        .for('update');
      const next = adding ? (current?.quantity ?? 0) + quantity : quantity;
      if (next > maxLineQuantity) throw badInput('quantity', `the cart would hold ${next} units of product ${productId}, at most ${maxLineQuantity}`);
      if (current) {
        await tx
          .update(cartLines)
          .set({ quantity: next, updatedAt: now })
          .where(and(eq(cartLines.userId, userId), eq(cartLines.productId, productId)));
        return;
      }
      const [lines] = await tx.select({ n: count() }).from(cartLines).where(eq(cartLines.userId, userId));
      if ((lines?.n ?? 0) >= maxOrderLines) throw badInput('productId', `a cart holds at most ${maxOrderLines} products`);
      await tx.insert(cartLines).values({ userId, productId, quantity: next, addedAt: now, updatedAt: now });
    });
  };

  return {
    view,
    async add(userId, rawProductId, quantity) {
      const productId = validateProductId(rawProductId);
      validateQuantity(quantity, 'quantity');
      await assertSellable(userId, productId);
      await setQuantity(userId, productId, quantity, true);
      return view(userId);
    },
    async update(userId, rawProductId, quantity) {
      const productId = validateProductId(rawProductId);
      validateQuantity(quantity, 'quantity', { allowZero: true });
      if (quantity === 0) {
        await db.delete(cartLines).where(and(eq(cartLines.userId, userId), eq(cartLines.productId, productId)));
        return view(userId);
      }
      await assertSellable(userId, productId);
      await setQuantity(userId, productId, quantity, false);
      return view(userId);
    },
    async remove(userId, rawProductId) {
      const productId = validateProductId(rawProductId);
      await db.delete(cartLines).where(and(eq(cartLines.userId, userId), eq(cartLines.productId, productId)));
      return view(userId);
    },
  };
}
