import { and, asc, eq, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import {
  badInput,
  conflict,
  ErrorCode,
  createRowInsert,
  idempotencyKeyReused,
  inTransaction,
  isDuplicateKey,
  outboxStatement,
  retryTransaction,
  runBatch,
  type ResultSetHeader,
  type Caller,
  type Logger,
} from '@rtc/service-kit';
import type { Catalog } from '../clients/catalog';
import type { Inventory } from '../clients/inventory';
import type { OrdersDb } from '../db/client';
import { cartLines, orderLines, orders, outbox, type OrderRow } from '../db/schema';
import { orderPlacedEvent } from '../orders/order-events';
import { rollupStatements } from '../rollups/write-rollups';
import { checkoutAbandonedMessage, createCheckoutIntents } from './checkout-intents';
import { orderFingerprint } from './order-fingerprint';
import { normalizeLines, validateIdempotencyKey, type LineInput, type RequestedLine } from './order-input';
import { priceLines, type PricedOrder } from './pricing';
import { reservationReference } from './reservation-reference';
import { createSingleFlight } from './single-flight';

const isOutOfStock = (error: unknown) => error instanceof GraphQLError && error.extensions['code'] === ErrorCode.OutOfStock;

export interface PlaceOrderInput {
  readonly lines?: readonly LineInput[] | null;
  readonly fromCart?: boolean | null;
  readonly idempotencyKey: string;
}

export interface CheckoutOptions {
  readonly db: OrdersDb;
  readonly catalog: Catalog;
  readonly inventory: Inventory;
  readonly logger: Logger;
  /** How long inventory holds the stock of an unpaid order; a little longer than orders wait for payment. */
  readonly reservationTtlSeconds: number;
  /** Called once per newly placed order, after its commit. */
  readonly onPlaced: (order: OrderRow, priced: PricedOrder) => void;
}

export interface Checkout {
  placeOrder(caller: Caller, input: PlaceOrderInput): Promise<OrderRow>;
}

const insertOrder = createRowInsert(orders, [
  'userId',
  'idempotencyKey',
  'reservationRef',
  'payloadHash',
  'status',
  'currency',
  'totalAmount',
  'itemCount',
  'placedAt',
  'updatedAt',
]);
const insertOrderLines = createRowInsert(orderLines, ['orderId', 'productId', 'variantId', 'quantity', 'unitAmount', 'lineAmount']);
const removeOrderedFromCart = 'delete from `cart_lines` where `user_id` = ? and `variant_id` in (?)';

/**
 * Checkout without overselling: catalog prices, an inventory reservation named after (user, idempotency key),
 * then the order, its lines, the rollups and an OrderPlaced outbox row in one transaction.
 */
export function createCheckout({ db, catalog, inventory, logger, reservationTtlSeconds, onPlaced }: CheckoutOptions): Checkout {
  const flight = createSingleFlight<OrderRow>();
  const intents = createCheckoutIntents(db);

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
    if (rows.length === 0) throw badInput('input.fromCart', 'the cart is empty');
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

  // Two round trips: the claim with the order (whose id the rest needs), then everything else with the commit.
  const write = (userId: number, idempotencyKey: string, fingerprint: string, reference: string, priced: PricedOrder, fromCart: boolean) =>
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
          totalAmount: priced.totalAmount,
          itemCount: priced.itemCount,
          placedAt: now,
          updatedAt: now,
        };
        // The claim first, so a reconciler that abandoned the reference wins and this order is never committed.
        const [claimed, inserted] = (await runBatch(tx, [intents.claimStatement(reference), insertOrder.statement([values])])) as ResultSetHeader[];
        intents.checkClaim(claimed!);
        const order: OrderRow = {
          ...values,
          id: inserted!.insertId,
          paidAt: null,
          shippedAt: null,
          deliveredAt: null,
          cancelledAt: null,
          cancelReason: null,
          paymentId: null,
          stockReleasedAt: null,
        };
        await tx.commitWith([
          insertOrderLines.statement(priced.lines.map((line) => ({ orderId: order.id, ...line }))),
          ...(fromCart ? [{ text: removeOrderedFromCart, values: [userId, priced.lines.map((line) => line.variantId)] }] : []),
          outboxStatement(outbox, [orderPlacedEvent(order, priced.lines)], now).statement,
          ...rollupStatements([{ ...order, lines: priced.lines }]),
        ]);
        return order;
      }),
    );

  const place = async (userId: number, idempotencyKey: string, fingerprint: string, given: RequestedLine[] | null): Promise<OrderRow> => {
    const reference = reservationReference(userId, idempotencyKey, fingerprint);
    // The lookup of an earlier order and the intent in one round trip, before catalog is asked.
    const opened = await intents.openUnlessOrdered(userId, idempotencyKey, reference, new Date());
    if (opened.state === 'ORDERED') {
      const existing = await findByKey(userId, idempotencyKey);
      if (existing) return firstOrderOf(existing, fingerprint);
    }
    if (opened.state === 'ABANDONED') throw conflict(checkoutAbandonedMessage);
    let priced: PricedOrder;
    try {
      const requested = given ?? (await cartOf(userId));
      // One catalog call, as before variants: a default variant's id is its product's.
      const variants = await catalog.variants(requested.map((line) => String(line.variantId)));
      priced = priceLines(requested, variants, given ? 'input.lines' : 'input.fromCart');
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
      const order = await write(userId, idempotencyKey, fingerprint, reference, priced, given === null);
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
      const fingerprint = orderFingerprint(given);
      return flight(`${userId}:${idempotencyKey}:${fingerprint}`, () => place(userId, idempotencyKey, fingerprint, given));
    },
  };
}
