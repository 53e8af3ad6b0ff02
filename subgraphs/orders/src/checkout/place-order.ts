import { and, asc, eq, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import {
  badInput,
  businessFailure,
  conflict,
  ErrorCode,
  createRowInsert,
  idempotencyKeyReused,
  inTransaction,
  isDuplicateKey,
  outboxStatement,
  retryTransaction,
  type ResultSetHeader,
  type Caller,
  type Logger,
  type PostalAddress,
  type PostalAddressInput,
  validatePostalAddress,
  type Statement,
} from '@rtc/service-kit';
import type { Catalog } from '../clients/catalog';
import type { Inventory } from '../clients/inventory';
import type { OrdersDb } from '../db/client';
import { cartLines, orderLines, orders, outbox, type OrderRow } from '../db/schema';
import { orderPlacedEvent } from '../orders/order-events';
import { rollupStatements } from '../rollups/write-rollups';
import { computeTotals, type OrderTotals, type PricingPolicies } from '../totals/order-totals';
import { checkoutAbandonedMessage, createCheckoutIntents } from './checkout-intents';
import { orderFingerprint } from './order-fingerprint';
import { normalizeLines, validateIdempotencyKey, type LineInput, type RequestedLine } from './order-input';
import { maxOrderTotal, priceLines, type PricedOrder } from './pricing';
import { reservationReference } from './reservation-reference';
import { createSingleFlight } from './single-flight';

const isOutOfStock = (error: unknown) => error instanceof GraphQLError && error.extensions['code'] === ErrorCode.OutOfStock;

export interface PlaceOrderInput {
  readonly lines?: readonly LineInput[] | null;
  readonly fromCart?: boolean | null;
  readonly idempotencyKey: string;
  readonly shippingAddress?: PostalAddressInput | null;
}

export interface CheckoutOptions {
  readonly db: OrdersDb;
  readonly catalog: Catalog;
  readonly inventory: Inventory;
  readonly logger: Logger;
  /** How long inventory holds the stock of an unpaid order; a little longer than orders wait for payment. */
  readonly reservationTtlSeconds: number;
  /** Shipping, tax and discount on top of the lines, fixed on the order at placement. */
  readonly pricing: PricingPolicies;
  /** Called once per newly placed order, after its commit. */
  readonly onPlaced: (order: OrderRow, priced: PricedOrder) => void;
}

export interface Checkout {
  placeOrder(caller: Caller, input: PlaceOrderInput): Promise<OrderRow>;
}

// The order's id is only known to the database while its batch runs: the lines and OrderPlaced take it from here.
const orderIdVariable = '@rtc_order';
const keepOrderId: Statement = { text: `set ${orderIdVariable} = last_insert_id()`, values: [] };
const insertOrderLines = createRowInsert(orderLines, ['orderId', 'productId', 'variantId', 'quantity', 'unitAmount', 'lineAmount'], {
  expressions: { orderId: orderIdVariable },
});
const removeOrderedFromCart = 'delete from `cart_lines` where `user_id` = ? and `variant_id` in (?)';

/**
 * Checkout without overselling: catalog prices, an inventory reservation named after (user, idempotency key),
 * then the order, its lines, the rollups and an OrderPlaced outbox row in one transaction.
 */
export function createCheckout({ db, catalog, inventory, logger, reservationTtlSeconds, pricing, onPlaced }: CheckoutOptions): Checkout {
  const flight = createSingleFlight<OrderRow>();
  const intents = createCheckoutIntents(db);
  // Written only when this transaction claimed the checkout intent (see CheckoutIntents.claimStatements).
  const insertOrder = createRowInsert(
    orders,
    [
      'userId',
      'idempotencyKey',
      'reservationRef',
      'payloadHash',
      'status',
      'currency',
      'totalAmount',
      'subtotalAmount',
      'shippingAmount',
      'taxAmount',
      'discountAmount',
      'shippingAddress',
      'itemCount',
      'placedAt',
      'updatedAt',
    ],
    { expressions: { status: intents.claimedStatus } },
  );

  // Every checkout asks first: prepared once, so Drizzle does not build it per call.
  const orderByKey = db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, sql.placeholder('userId')), eq(orders.idempotencyKey, sql.placeholder('idempotencyKey'))))
    .limit(1)
    .prepare();
  const findByKey = async (userId: number, idempotencyKey: string) => {
    const [order] = await orderByKey.execute({ userId, idempotencyKey });
    return order ?? null;
  };

  const cartOf = async (userId: number): Promise<RequestedLine[]> => {
    const rows = await db.select().from(cartLines).where(eq(cartLines.userId, userId)).orderBy(asc(cartLines.addedAt), asc(cartLines.variantId));
    if (rows.length === 0) throw businessFailure(ErrorCode.CartEmpty, 'The cart is empty', { field: ['input', 'fromCart'] });
    return normalizeLines(
      rows.map((row) => ({ productId: String(row.productId), variantId: String(row.variantId), quantity: row.quantity })),
      'input.fromCart',
    );
  };

  // Orders placed before payloads were recorded (null) match any payload, as they always did.
  const answersTo = (order: OrderRow, fingerprint: string) => order.payloadHash === null || order.payloadHash === fingerprint;
  const firstOrderOf = (order: OrderRow, fingerprint: string): OrderRow => {
    if (!answersTo(order, fingerprint)) throw idempotencyKeyReused('input.idempotencyKey');
    return order;
  };

  // One round trip: the claim, the order, its lines, OrderPlaced, the rollups and the commit, the order's id set in SQL.
  const write = (
    userId: number,
    idempotencyKey: string,
    fingerprint: string,
    reference: string,
    priced: PricedOrder,
    fromCart: boolean,
    totals: OrderTotals,
    shippingAddress: PostalAddress | null,
  ) =>
    retryTransaction(() =>
      // Straight on the pool: these statements are rendered once (see createRowInsert), not built per order.
      inTransaction(db.$client, async (tx) => {
        const now = new Date();
        const values = {
          userId,
          idempotencyKey,
          reservationRef: reference,
          payloadHash: fingerprint,
          status: 'PENDING' as const,
          currency: priced.currency,
          totalAmount: totals.total,
          subtotalAmount: totals.subtotal,
          shippingAmount: totals.shipping,
          taxAmount: totals.tax,
          discountAmount: totals.discount,
          shippingAddress,
          itemCount: priced.itemCount,
          placedAt: now,
          updatedAt: now,
        };
        // The id is a stand-in until the INSERT answers: the statements below take the real one from orderIdVariable.
        const order: OrderRow = {
          ...values,
          id: 0,
          paidAt: null,
          shippedAt: null,
          deliveredAt: null,
          cancelledAt: null,
          cancelReason: null,
          paymentId: null,
          stockReleasedAt: null,
        };
        // The claim first, so a reconciler that abandoned the reference wins and this order is never committed.
        const claim = intents.claimStatements(reference);
        const results = await tx
          .commitWith([
            ...claim,
            insertOrder.statement([values]),
            keepOrderId,
            insertOrderLines.statement(priced.lines.map((line) => ({ orderId: 0, ...line }))),
            ...(fromCart ? [{ text: removeOrderedFromCart, values: [userId, priced.lines.map((line) => line.variantId)] }] : []),
            outboxStatement(outbox, [orderPlacedEvent(order, priced.lines)], now, { expression: orderIdVariable, payloadKey: 'orderId' }).statement,
            ...rollupStatements([{ ...order, lines: priced.lines }]),
          ])
          .catch((error: unknown) => {
            throw intents.claimRefusalOf(error);
          });
        return { ...order, id: (results[claim.length] as ResultSetHeader).insertId };
      }),
    );

  const place = async (
    userId: number,
    idempotencyKey: string,
    fingerprint: string,
    given: RequestedLine[] | null,
    shippingAddress: PostalAddress | null,
  ): Promise<OrderRow> => {
    const reference = reservationReference(userId, idempotencyKey, fingerprint);
    // Catalog's prices in flight while the lookup of an earlier order and the intent take their one round trip:
    // neither needs the other. A repeat of a placed order answers without them, whatever catalog said.
    const pricedLines = (async () => {
      const requested = given ?? (await cartOf(userId));
      // One catalog call, as before variants: a default variant's id is its product's.
      const variants = await catalog.variants(requested.map((line) => String(line.variantId)));
      return priceLines(requested, variants, given ? 'input.lines' : 'input.fromCart');
    })();
    pricedLines.catch(() => undefined);
    const opened = await intents.openUnlessOrdered(userId, idempotencyKey, reference, new Date());
    if (opened.state === 'ORDERED') {
      const existing = await findByKey(userId, idempotencyKey);
      if (existing) return firstOrderOf(existing, fingerprint);
    }
    if (opened.state === 'ABANDONED') throw conflict(checkoutAbandonedMessage);
    let priced: PricedOrder;
    let totals: OrderTotals;
    try {
      priced = await pricedLines;
      totals = computeTotals(priced.totalAmount, shippingAddress, pricing);
      if (!Number.isSafeInteger(totals.total) || totals.total > maxOrderTotal)
        throw badInput('input.lines', `the order total may be at most ${maxOrderTotal} minor units`);
    } catch (error) {
      // Nothing reserved yet: the intent this call recorded goes, so a retry with this key starts afresh.
      if (opened.created) await intents.forget(reference).catch(() => undefined);
      throw error;
    }
    let reservation;
    try {
      reservation = await inventory.reserve(reference, priced.lines, reservationTtlSeconds);
    } catch (error) {
      // Refused outright, nothing held: a retry with this key may still succeed. Anything else is left to the reconciler.
      if (isOutOfStock(error)) await intents.forget(reference).catch(() => undefined);
      throw error;
    }
    if (reservation !== 'HELD') {
      // An earlier attempt with this key failed after reserving and gave the stock back.
      throw conflict(checkoutAbandonedMessage);
    }
    try {
      const order = await write(userId, idempotencyKey, fingerprint, reference, priced, given === null, totals, shippingAddress);
      onPlaced(order, priced);
      return order;
    } catch (error) {
      // A concurrent attempt with the same key committed first (another replica): with the same payload, its order
      // owns the reservation; with another payload, the reservation (named after the payload too) is this attempt's.
      const winner = await findByKey(userId, idempotencyKey).catch(() => null);
      if (winner?.reservationRef === reference) return winner;
      if (!winner && isDuplicateKey(error)) throw error;
      if ((await giveUp(reference)) === 'ORDERED') {
        // The duplicate that owns this reservation committed after the lookup above.
        const late = await findByKey(userId, idempotencyKey).catch(() => null);
        if (late?.reservationRef === reference) return late;
      }
      if (winner) throw idempotencyKeyReused('input.idempotencyKey');
      throw error;
    }
  };

  /** Abandons the reference, then releases its stock; when either step fails, the reconciler finishes the job. */
  const giveUp = async (reference: string): Promise<'ABANDONED' | 'ORDERED' | 'UNKNOWN'> => {
    try {
      const now = new Date();
      if ((await intents.abandon(reference, now)) === 'ORDERED') return 'ORDERED';
      await inventory.releaseMany([reference], 'FAILED');
      await intents.markReleased([reference], now);
      return 'ABANDONED';
    } catch (error) {
      logger.error({ err: error, reference }, 'could not release the reservation of a failed checkout; the reconciler will');
      return 'UNKNOWN';
    }
  };

  return {
    async placeOrder(caller, input) {
      const userId = Number(caller.userId);
      const idempotencyKey = validateIdempotencyKey(input.idempotencyKey);
      const fromCart = input.fromCart === true;
      if (fromCart && input.lines && input.lines.length > 0) {
        throw badInput('input.lines', 'leave out the lines when ordering the cart (fromCart)');
      }
      const given = fromCart ? null : normalizeLines(input.lines ?? []);
      const shippingAddress = input.shippingAddress ? validatePostalAddress(input.shippingAddress, 'input.shippingAddress') : null;
      const fingerprint = orderFingerprint(given, shippingAddress);
      return flight(`${userId}:${idempotencyKey}:${fingerprint}`, () => place(userId, idempotencyKey, fingerprint, given, shippingAddress));
    },
  };
}
