import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, gt, inArray, lte } from 'drizzle-orm';
import {
  badInput,
  businessFailure,
  ErrorCode,
  isDuplicateKey,
  isTransientTransactionError,
  notFound,
  retryTransaction,
  unauthenticated,
  type Caller,
  type Money,
} from '@rtc/service-kit';
import type { Catalog, CatalogProduct } from '../clients/catalog';
import type { OrdersDb } from '../db/client';
import { cartLines, guestCartLines, guestCarts } from '../db/schema';
import {
  maxLineQuantity,
  maxOrderLines,
  normalizeLines,
  validateProductId,
  validateQuantity,
  validateVariantId,
  type LineInput,
} from '../checkout/order-input';
import { productReference, variantReference, type ProductReference, type VariantReference } from '../orders/references';
import { computeTotals, type PricingPolicies } from '../totals/order-totals';
import { mergeLines, type StoredLine } from './merge-lines';

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
  readonly shippingTotal: Money;
  readonly taxTotal: Money;
  readonly discountTotal: Money;
  readonly total: Money;
  readonly itemCount: number;
  /** When a guest cart goes; null for a customer's. */
  readonly expiresAt: Date | null;
}

/** Whose cart: a logged-in customer's, or the guest cart a token holds. */
export interface CartTarget {
  readonly caller: Caller | null;
  readonly cartToken?: string | null | undefined;
}

export interface Carts {
  view(target: CartTarget): Promise<PricedCart>;
  /** A new guest cart with these lines; its token is shown once. */
  create(lines: readonly LineInput[]): Promise<{ cart: PricedCart; cartToken: string }>;
  /** `variantId` omitted: the product's default variant. */
  add(target: CartTarget, productId: string, quantity: number, variantId?: string | null): Promise<PricedCart>;
  update(target: CartTarget, productId: string, quantity: number, variantId?: string | null): Promise<PricedCart>;
  remove(target: CartTarget, productId: string, variantId?: string | null): Promise<PricedCart>;
  /** Folds the guest cart of `cartToken` into the caller's cart, then deletes it. */
  merge(caller: Caller | null, cartToken: string): Promise<PricedCart>;
}

export interface CartsOptions {
  readonly db: OrdersDb;
  readonly catalog: Catalog;
  readonly storeCurrency: string;
  readonly pricing: PricingPolicies;
  /** A guest cart lives this long after its last change. */
  readonly guestCartTtlSeconds: number;
}

type Tx = Parameters<Parameters<OrdersDb['transaction']>[0]>[0];

/** What a cart line names: a product and one of its variants (its default one unless chosen). */
interface CartItem {
  readonly productId: number;
  readonly variantId: number;
}

const itemOf = (rawProductId: string, rawVariantId: string | null | undefined): CartItem => {
  const productId = validateProductId(rawProductId, 'input.productId');
  return { productId, variantId: validateVariantId(productId, rawVariantId, 'input.variantId') };
};

type Owner = { readonly kind: 'customer'; readonly userId: number } | { readonly kind: 'guest'; readonly cartId: number; readonly expiresAt: Date };

/** sha256 of a cart token, hex: what the store keeps instead of the token. */
export const cartTokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

// Expired guest carts are deleted a batch at a time whenever a cart is created, so they never pile up.
const expiredBatch = 100;

/**
 * Carts persist as variant ids (with their product's) and quantities, per customer or per guest token; prices are read from the catalog
 * whenever the cart is shown. A cart holds one currency: the first line's, or the store's when empty.
 */
export function createCarts({ db, catalog, storeCurrency, pricing, guestCartTtlSeconds }: CartsOptions): Carts {
  const expiryFrom = (now: Date) => new Date(now.getTime() + guestCartTtlSeconds * 1000);

  const rowsOf = async (owner: Owner): Promise<StoredLine[]> =>
    owner.kind === 'customer'
      ? db.select().from(cartLines).where(eq(cartLines.userId, owner.userId)).orderBy(asc(cartLines.addedAt), asc(cartLines.variantId))
      : db.select().from(guestCartLines).where(eq(guestCartLines.cartId, owner.cartId)).orderBy(asc(guestCartLines.addedAt), asc(guestCartLines.variantId));

  const findGuest = async (token: string): Promise<Owner> => {
    if (token.length === 0 || token.length > 200) throw badInput('input.cartToken', 'is not a cart token');
    const [cart] = await db
      .select()
      .from(guestCarts)
      .where(and(eq(guestCarts.tokenHash, cartTokenHash(token)), gt(guestCarts.expiresAt, new Date())))
      .limit(1);
    if (!cart) throw notFound('Cart');
    return { kind: 'guest', cartId: cart.id, expiresAt: cart.expiresAt };
  };

  const ownerOf = async ({ caller, cartToken }: CartTarget): Promise<Owner> => {
    if (cartToken !== null && cartToken !== undefined) return findGuest(cartToken);
    if (!caller) throw unauthenticated('Log in, or pass the cartToken of a guest cart');
    return { kind: 'customer', userId: Number(caller.userId) };
  };

  const price = (rows: readonly StoredLine[], products: ReadonlyMap<string, CatalogProduct | null>, expiresAt: Date | null): PricedCart => {
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
    const totals = computeTotals(
      lines.reduce((sum, line) => sum + line.lineTotal.amount, 0),
      null,
      pricing,
    );
    const money = (amount: number) => ({ amount, currency });
    return {
      lines,
      subtotal: money(totals.subtotal),
      shippingTotal: money(totals.shipping),
      taxTotal: money(totals.tax),
      discountTotal: money(totals.discount),
      total: money(totals.total),
      itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
      expiresAt,
    };
  };

  const viewOf = async (owner: Owner, expiresAt: Date | null = owner.kind === 'guest' ? owner.expiresAt : null) => {
    const rows = await rowsOf(owner);
    return price(rows, await catalog.variants(rows.map((row) => String(row.variantId))), expiresAt);
  };

  /** Checks the variants can be bought into a cart holding `rows`; `fieldOf` names each item's input field. */
  const assertSellable = async (rows: readonly StoredLine[], items: readonly CartItem[], fieldOf: (index: number, part: keyof CartItem) => string[]) => {
    const variants = await catalog.variants([...rows.map((row) => String(row.variantId)), ...items.map((item) => String(item.variantId))]);
    const unavailable = items.findIndex((item) => !variants.get(String(item.variantId))?.active);
    if (unavailable >= 0) {
      const id = String(items[unavailable]!.productId);
      throw businessFailure(ErrorCode.ProductUnavailable, `Product ${id} is unknown or no longer sold`, {
        field: fieldOf(unavailable, 'productId'),
        productIds: [id],
      });
    }
    const stranger = items.findIndex((item) => variants.get(String(item.variantId))!.productId !== String(item.productId));
    if (stranger >= 0) {
      const { productId, variantId } = items[stranger]!;
      throw badInput(fieldOf(stranger, 'variantId').join('.'), `variant ${variantId} is not a variant of product ${productId}`);
    }
    const cart = price(rows, variants, null);
    const currency = cart.lines.length > 0 ? cart.subtotal.currency : variants.get(String(items[0]!.variantId))!.price.currency;
    const foreign = items.findIndex((item) => variants.get(String(item.variantId))!.price.currency !== currency);
    if (foreign >= 0) {
      const id = String(items[foreign]!.productId);
      const priced = variants.get(String(items[foreign]!.variantId))!.price.currency;
      throw businessFailure('CURRENCY_MISMATCH', `The cart holds ${currency} products; product ${id} is priced in ${priced}`, {
        field: fieldOf(foreign, 'productId'),
        productIds: [id],
      });
    }
  };

  // Two first adds of a product race past the locking read (no row to lock yet); the loser's insert meets the winner's
  // row or deadlocks on the gap, and its second run finds the line and updates it.
  const retried = <T>(run: () => Promise<T>) => retryTransaction(run, { isTransient: (error) => isTransientTransactionError(error) || isDuplicateKey(error) });

  /**
   * Extends a live guest cart and holds its row until the transaction ends, so the cart's row is always locked
   * before its lines (as merging and the clean-up do) and an expired or merged cart takes no new line.
   */
  const extendGuest = async (tx: Tx, cartId: number, now: Date) => {
    const [extended] = await tx
      .update(guestCarts)
      .set({ expiresAt: expiryFrom(now) })
      .where(and(eq(guestCarts.id, cartId), gt(guestCarts.expiresAt, now)));
    if (extended.affectedRows === 0) throw notFound('Cart');
  };

  const setQuantity = (owner: Owner, { productId, variantId }: CartItem, quantity: number, adding: boolean) =>
    retried(() =>
      db.transaction(async (tx) => {
        const now = new Date();
        const guest = owner.kind === 'guest';
        if (guest) await extendGuest(tx, owner.cartId, now);
        const ownLine = guest
          ? and(eq(guestCartLines.cartId, owner.cartId), eq(guestCartLines.variantId, variantId))
          : and(eq(cartLines.userId, owner.userId), eq(cartLines.variantId, variantId));
        const [current] = guest
          ? await tx.select().from(guestCartLines).where(ownLine).for('update')
          : await tx.select().from(cartLines).where(ownLine).for('update');
        const next = adding ? (current?.quantity ?? 0) + quantity : quantity;
        if (next > maxLineQuantity) throw badInput('input.quantity', `the cart would hold ${next} units of product ${productId}, at most ${maxLineQuantity}`);
        if (current) {
          if (guest) await tx.update(guestCartLines).set({ quantity: next, updatedAt: now }).where(ownLine);
          else await tx.update(cartLines).set({ quantity: next, updatedAt: now }).where(ownLine);
          return;
        }
        const [lines] = guest
          ? await tx.select({ n: count() }).from(guestCartLines).where(eq(guestCartLines.cartId, owner.cartId))
          : await tx.select({ n: count() }).from(cartLines).where(eq(cartLines.userId, owner.userId));
        if ((lines?.n ?? 0) >= maxOrderLines) throw badInput('input.productId', `a cart holds at most ${maxOrderLines} products`);
        const line = { productId, variantId, quantity: next, addedAt: now, updatedAt: now };
        if (guest) await tx.insert(guestCartLines).values({ cartId: owner.cartId, ...line });
        else await tx.insert(cartLines).values({ userId: owner.userId, ...line });
      }),
    );

  const removeLine = async (owner: Owner, { productId, variantId }: CartItem) => {
    if (owner.kind === 'customer') {
      await db.delete(cartLines).where(and(eq(cartLines.userId, owner.userId), eq(cartLines.productId, productId), eq(cartLines.variantId, variantId)));
      return;
    }
    await db.transaction(async (tx) => {
      await extendGuest(tx, owner.cartId, new Date());
      await tx
        .delete(guestCartLines)
        .where(and(eq(guestCartLines.cartId, owner.cartId), eq(guestCartLines.productId, productId), eq(guestCartLines.variantId, variantId)));
    });
  };

  /** Re-reads the cart after a change, with a guest cart's new expiry. */
  const after = (owner: Owner) => viewOf(owner, owner.kind === 'guest' ? expiryFrom(new Date()) : null);

  // Carts first, skipping those a change holds right now (it extends them), then their lines.
  const deleteExpired = (now: Date) =>
    db.transaction(async (tx) => {
      const expired = await tx
        .select({ id: guestCarts.id })
        .from(guestCarts)
        .where(lte(guestCarts.expiresAt, now))
        .limit(expiredBatch)
        .for('update', { skipLocked: true });
      if (expired.length === 0) return;
      const ids = expired.map((cart) => cart.id);
      await tx.delete(guestCartLines).where(inArray(guestCartLines.cartId, ids));
      await tx.delete(guestCarts).where(inArray(guestCarts.id, ids));
    });

  return {
    view: async (target) => viewOf(await ownerOf(target)),

    async create(input) {
      const lines = input.length === 0 ? [] : normalizeLines(input);
      if (lines.length > 0) {
        await assertSellable([], lines, (index, part) => ['input', 'lines', String(index), part]);
      }
      const cartToken = randomBytes(32).toString('base64url');
      const now = new Date();
      const expiresAt = expiryFrom(now);
      const cartId = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(guestCarts)
          .values({ tokenHash: cartTokenHash(cartToken), createdAt: now, expiresAt })
          .$returningId();
        if (lines.length > 0) {
          await tx.insert(guestCartLines).values(lines.map((line) => ({ cartId: created!.id, ...line, addedAt: now, updatedAt: now })));
        }
        return created!.id;
      });
      await deleteExpired(now);
      return { cart: await viewOf({ kind: 'guest', cartId, expiresAt }), cartToken };
    },

    async add(target, rawProductId, quantity, rawVariantId) {
      const item = itemOf(rawProductId, rawVariantId);
      validateQuantity(quantity, 'input.quantity');
      const owner = await ownerOf(target);
      await assertSellable(await rowsOf(owner), [item], (_index, part) => ['input', part]);
      await setQuantity(owner, item, quantity, true);
      return after(owner);
    },

    async update(target, rawProductId, quantity, rawVariantId) {
      const item = itemOf(rawProductId, rawVariantId);
      validateQuantity(quantity, 'input.quantity', { allowZero: true });
      const owner = await ownerOf(target);
      if (quantity === 0) {
        await removeLine(owner, item);
        return after(owner);
      }
      await assertSellable(await rowsOf(owner), [item], (_index, part) => ['input', part]);
      await setQuantity(owner, item, quantity, false);
      return after(owner);
    },

    async remove(target, rawProductId, rawVariantId) {
      const item = itemOf(rawProductId, rawVariantId);
      const owner = await ownerOf(target);
      await removeLine(owner, item);
      return after(owner);
    },

    async merge(caller, cartToken) {
      if (!caller) throw unauthenticated('Log in first: a guest cart merges into the logged-in customer’s cart');
      const userId = Number(caller.userId);
      if (cartToken.length === 0 || cartToken.length > 200) throw badInput('input.cartToken', 'is not a cart token');
      const tokenHash = cartTokenHash(cartToken);
      await retried(() =>
        db.transaction(async (tx) => {
          const now = new Date();
          // The guest cart's row first: a second merge of the same token waits here, then finds it gone.
          const [guest] = await tx
            .select()
            .from(guestCarts)
            .where(and(eq(guestCarts.tokenHash, tokenHash), gt(guestCarts.expiresAt, now)))
            .for('update');
          if (!guest) throw notFound('Cart');
          const incoming = await tx
            .select()
            .from(guestCartLines)
            .where(eq(guestCartLines.cartId, guest.id))
            .orderBy(asc(guestCartLines.addedAt), asc(guestCartLines.variantId));
          const own = await tx
            .select()
            .from(cartLines)
            .where(eq(cartLines.userId, userId))
            .orderBy(asc(cartLines.addedAt), asc(cartLines.variantId))
            .for('update');
          const { updates, inserts } = mergeLines(own, incoming, { maxLineQuantity, maxLines: maxOrderLines });
          for (const line of updates) {
            await tx
              .update(cartLines)
              .set({ quantity: line.quantity, updatedAt: now })
              .where(and(eq(cartLines.userId, userId), eq(cartLines.variantId, line.variantId)));
          }
          if (inserts.length > 0) {
            await tx.insert(cartLines).values(
              inserts.map((line) => ({
                userId,
                productId: line.productId,
                variantId: line.variantId,
                quantity: line.quantity,
                addedAt: now,
                updatedAt: now,
              })),
            );
          }
          await tx.delete(guestCartLines).where(eq(guestCartLines.cartId, guest.id));
          await tx.delete(guestCarts).where(eq(guestCarts.id, guest.id));
        }),
      );
      return viewOf({ kind: 'customer', userId });
    },
  };
}
