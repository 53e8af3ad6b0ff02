import { and, asc, eq, inArray, isNull, lt } from 'drizzle-orm';
import {
  appendToOutbox,
  runnerOnDrizzle,
  badInput,
  notFound,
  parseNumericId,
  paymentDeclined,
  requireAdmin,
  retryTransaction,
  type Caller,
  type Logger,
} from '@rtc/service-kit';
import type { Inventory } from '../clients/inventory';
import type { OrdersDb } from '../db/client';
import { orderLines, orders, outbox, type OrderLineRow, type OrderRow, type OrderStatus } from '../db/schema';
import { assertCanChange } from '../orders/order-access';
import { orderStatusChangedEvent } from '../orders/order-events';
import type { PaymentProvider } from '../payments/payment-provider';
import { addPaidOrderToRollups, removeCancelledOrderFromRollups, removeCancelledOrdersFromRollups } from '../rollups/write-rollups';
import { assertTransition, timestampOf } from './transitions';

export type CancelReason = 'CANCELLED' | 'EXPIRED';

export interface OrderLifecycleOptions {
  readonly db: OrdersDb;
  readonly inventory: Inventory;
  readonly payments: PaymentProvider;
  readonly logger: Logger;
  /** PENDING orders older than this are cancelled by the expiry sweep. */
  readonly paymentTtlSeconds: number;
  /** Called after each committed status change. */
  readonly onStatusChanged: (order: OrderRow, previousStatus: OrderStatus) => void;
}

export interface OrderLifecycle {
  pay(caller: Caller, orderId: string, paymentToken: string): Promise<OrderRow>;
  cancel(caller: Caller, orderId: string): Promise<OrderRow>;
  ship(caller: Caller, orderId: string): Promise<OrderRow>;
  deliver(caller: Caller, orderId: string): Promise<OrderRow>;
  /** Cancels every PENDING order placed more than the payment TTL before `now`, in batches; returns how many. */
  expireUnpaid(now?: Date): Promise<number>;
  /** Retries stock releases of cancelled orders that inventory has not confirmed; returns how many succeeded. */
  retryStockReleases(now?: Date): Promise<number>;
}

const readCommitted = { isolationLevel: 'read committed' } as const;

// The sweep works in batches until one comes back short: each batch is one transaction and one call to inventory.
const sweepBatch = 200;

export function createOrderLifecycle({ db, inventory, payments, logger, paymentTtlSeconds, onStatusChanged }: OrderLifecycleOptions): OrderLifecycle {
  const idOf = (orderId: string) => {
    const id = parseNumericId(orderId);
    if (id === null) throw notFound('Order');
    return id;
  };

  /** Moves one order to `to` under a row lock: checks, update, rollups when paying or cancelling, outbox row. */
  const changeStatus = async (
    id: number,
    to: OrderStatus,
    check: (order: OrderRow) => void,
    extra: Partial<Pick<OrderRow, 'paymentId' | 'cancelReason'>> = {},
  ): Promise<OrderRow> => {
    const { order, previous } = await retryTransaction(() =>
      db.transaction(async (tx) => {
        const [current] = await tx.select().from(orders).where(eq(orders.id, id)).for('update');
        if (!current) throw notFound('Order');
        check(current);
        assertTransition(current.status, to);
        const now = new Date();
        const stamp = timestampOf(to);
        const changes = { status: to, updatedAt: now, ...(stamp ? { [stamp]: now } : {}), ...extra };
        await tx.update(orders).set(changes).where(eq(orders.id, id));
        const updated: OrderRow = { ...current, ...changes };
        const lines = await tx.select().from(orderLines).where(eq(orderLines.orderId, id));
        await appendToOutbox(runnerOnDrizzle(tx), outbox, [orderStatusChangedEvent(updated, current.status, lines)], now);
        if (to === 'PAID') await addPaidOrderToRollups(tx, { ...current, lines });
        if (to === 'CANCELLED') await removeCancelledOrderFromRollups(tx, { ...current, lines }, current.status === 'PAID');
        return { order: updated, previous: current.status };
      }),
    );
    onStatusChanged(order, previous);
    return order;
  };

  /** After a cancellation committed; the sweep retries when inventory cannot be reached now. */
  const releaseStock = async (order: OrderRow, reason: CancelReason): Promise<boolean> => {
    try {
      await inventory.release(order.reservationRef, reason);
      await db.update(orders).set({ stockReleasedAt: new Date() }).where(eq(orders.id, order.id));
      return true;
    } catch (error) {
      logger.warn({ err: error, orderId: order.id }, 'stock release failed; the sweep will retry');
      return false;
    }
  };

  /** After a paid order's cancellation committed: the order already left net sales, so its payment goes back. */
  const refundPayment = async (order: OrderRow): Promise<void> => {
    if (!order.paidAt || !order.paymentId) return;
    try {
      await payments.refund(order.paymentId);
    } catch (error) {
      logger.error({ err: error, orderId: order.id, paymentId: order.paymentId }, 'refund of a cancelled order failed; refund it by hand');
    }
  };

  const cancel = async (id: number, check: (order: OrderRow) => void, reason: CancelReason) => {
    const order = await changeStatus(id, 'CANCELLED', check, { cancelReason: reason });
    await refundPayment(order);
    await releaseStock(order, reason);
    return order;
  };

  /**
   * Cancels up to a batch of unpaid orders placed before `cutoff` in one transaction: rows other sweeps or customers
   * hold are skipped (SKIP LOCKED), every order gets its OrderStatusChanged row and leaves the rollups.
   */
  const expireBatch = (cutoff: Date): Promise<OrderRow[]> =>
    retryTransaction(() =>
      db.transaction(async (tx) => {
        const stale = await tx
          .select()
          .from(orders)
          .where(and(eq(orders.status, 'PENDING'), lt(orders.placedAt, cutoff)))
          .orderBy(asc(orders.placedAt), asc(orders.id))
          .limit(sweepBatch)
          .for('update', { skipLocked: true });
        if (stale.length === 0) return [];
        const ids = stale.map((order) => order.id);
        const now = new Date();
        const changes = { status: 'CANCELLED' as const, cancelReason: 'EXPIRED' as const, cancelledAt: now, updatedAt: now };
        await tx.update(orders).set(changes).where(inArray(orders.id, ids));
        const lines = await tx.select().from(orderLines).where(inArray(orderLines.orderId, ids)).orderBy(asc(orderLines.orderId), asc(orderLines.productId));
        const linesOf = new Map<number, OrderLineRow[]>();
        for (const line of lines) linesOf.set(line.orderId, [...(linesOf.get(line.orderId) ?? []), line]);
        const cancelled = stale.map((order): OrderRow => ({ ...order, ...changes }));
        const runner = runnerOnDrizzle(tx);
        await appendToOutbox(
          runner,
          outbox,
          cancelled.map((order) => orderStatusChangedEvent(order, 'PENDING', linesOf.get(order.id) ?? [])),
          now,
        );
        await removeCancelledOrdersFromRollups(
          runner,
          stale.map((order) => ({ ...order, lines: linesOf.get(order.id) ?? [] })),
        );
        return cancelled;
        // No gap locks: the scan must not hold up checkouts inserting new PENDING orders after the rows it read.
      }, readCommitted),
    );

  /** Releases the stock of cancelled orders, a call per reason and batch; returns how many inventory confirmed. */
  const releaseStocks = async (cancelled: readonly OrderRow[], reason: CancelReason | null): Promise<number> => {
    let confirmed = 0;
    const byReason = new Map<CancelReason, OrderRow[]>();
    for (const order of cancelled) {
      const own = reason ?? order.cancelReason ?? 'CANCELLED';
      byReason.set(own, [...(byReason.get(own) ?? []), order]);
    }
    for (const [own, group] of byReason) {
      try {
        await inventory.releaseMany(
          group.map((order) => order.reservationRef),
          own,
        );
        await db
          .update(orders)
          .set({ stockReleasedAt: new Date() })
          .where(
            inArray(
              orders.id,
              group.map((order) => order.id),
            ),
          );
        confirmed += group.length;
      } catch (error) {
        logger.warn({ err: error, orders: group.length }, 'stock release failed; the sweep will retry');
      }
    }
    return confirmed;
  };

  const load = async (id: number) => {
    const [order] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
    if (!order) throw notFound('Order');
    return order;
  };

  return {
    async pay(caller, orderId, paymentToken) {
      const id = idOf(orderId);
      if (paymentToken.trim().length === 0 || paymentToken.length > 255) throw badInput('input.paymentToken', 'must be 1 to 255 characters');
      const order = await load(id);
      assertCanChange(caller, order);
      assertTransition(order.status, 'PAID');
      const result = await payments.charge({
        orderId: String(order.id),
        amount: { amount: order.totalAmount, currency: order.currency },
        token: paymentToken,
      });
      if (!result.approved) throw paymentDeclined(result.reason);
      try {
        // False means already sold (a retry after a lost answer): still paid for.
        await inventory.commit(order.reservationRef);
        return await changeStatus(id, 'PAID', (current) => assertCanChange(caller, current), { paymentId: result.paymentId });
      } catch (error) {
        await payments.refund(result.paymentId);
        throw error;
      }
    },

    cancel: (caller, orderId) => cancel(idOf(orderId), (order) => assertCanChange(caller, order), 'CANCELLED'),

    async ship(caller, orderId) {
      requireAdmin(caller);
      return changeStatus(idOf(orderId), 'SHIPPED', () => undefined);
    },

    async deliver(caller, orderId) {
      requireAdmin(caller);
      return changeStatus(idOf(orderId), 'DELIVERED', () => undefined);
    },

    async expireUnpaid(now = new Date()) {
      const cutoff = new Date(now.getTime() - paymentTtlSeconds * 1000);
      let expired = 0;
      for (;;) {
        const batch = await expireBatch(cutoff);
        expired += batch.length;
        for (const order of batch) onStatusChanged(order, 'PENDING');
        await releaseStocks(batch, 'EXPIRED');
        if (batch.length < sweepBatch) return expired;
      }
    },

    async retryStockReleases(now = new Date()) {
      // Leave fresh cancellations to the request that made them.
      const settled = new Date(now.getTime() - 30_000);
      let released = 0;
      for (;;) {
        const pending = await db
          .select()
          .from(orders)
          .where(and(eq(orders.status, 'CANCELLED'), isNull(orders.stockReleasedAt), lt(orders.cancelledAt, settled)))
          .orderBy(asc(orders.cancelledAt))
          .limit(sweepBatch);
        const done = await releaseStocks(pending, null);
        released += done;
        if (pending.length < sweepBatch || done < pending.length) return released;
      }
    },
  };
}
