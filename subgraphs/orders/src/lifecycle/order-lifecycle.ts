import { and, eq, isNull, lt } from 'drizzle-orm';
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
import { orderLines, orders, outbox, type OrderRow, type OrderStatus } from '../db/schema';
import { assertCanChange } from '../orders/order-access';
import { orderStatusChangedEvent } from '../orders/order-events';
import type { PaymentProvider } from '../payments/payment-provider';
import { removeCancelledOrderFromRollups } from '../rollups/write-rollups';
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
  /** Cancels PENDING orders placed more than the payment TTL before `now`; returns how many. */
  expireUnpaid(now?: Date): Promise<number>;
  /** Retries stock releases of cancelled orders that inventory has not confirmed; returns how many succeeded. */
  retryStockReleases(now?: Date): Promise<number>;
}

// The sweep works in batches, so one slow run never holds many rows.
const sweepBatch = 100;

class Skip extends Error {}

export function createOrderLifecycle({ db, inventory, payments, logger, paymentTtlSeconds, onStatusChanged }: OrderLifecycleOptions): OrderLifecycle {
  const idOf = (orderId: string) => {
    const id = parseNumericId(orderId);
    if (id === null) throw notFound('Order');
    return id;
  };

  /** Moves one order to `to` under a row lock: checks, update, rollups when cancelling, outbox row. */
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
        if (to === 'CANCELLED') await removeCancelledOrderFromRollups(tx, { ...current, lines });
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

  const cancel = async (id: number, check: (order: OrderRow) => void, reason: CancelReason) => {
    const order = await changeStatus(id, 'CANCELLED', check, { cancelReason: reason });
    await releaseStock(order, reason);
    return order;
  };

  const load = async (id: number) => {
    const [order] = await db.select().from(orders).where(eq(orders.id, id)).limit(1);
    if (!order) throw notFound('Order');
    return order;
  };

  return {
    async pay(caller, orderId, paymentToken) {
      const id = idOf(orderId);
      if (paymentToken.trim().length === 0 || paymentToken.length > 255) throw badInput('paymentToken', 'must be 1 to 255 characters');
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
      const stale = await db
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.status, 'PENDING'), lt(orders.placedAt, cutoff)))
        .limit(sweepBatch);
      let expired = 0;
      for (const { id } of stale) {
        try {
          await cancel(
            id,
            (order) => {
              // Paid or cancelled since it was listed (another replica's sweep, or the customer).
              if (order.status !== 'PENDING') throw new Skip();
            },
            'EXPIRED',
          );
          expired += 1;
        } catch (error) {
          if (!(error instanceof Skip)) logger.error({ err: error, orderId: id }, 'could not expire an unpaid order');
        }
      }
      return expired;
    },

    async retryStockReleases(now = new Date()) {
      // Leave fresh cancellations to the request that made them.
      const settled = new Date(now.getTime() - 30_000);
      const pending = await db
        .select()
        .from(orders)
        .where(and(eq(orders.status, 'CANCELLED'), isNull(orders.stockReleasedAt), lt(orders.cancelledAt, settled)))
        .limit(sweepBatch);
      let released = 0;
      for (const order of pending) {
        if (await releaseStock(order, order.cancelReason ?? 'CANCELLED')) released += 1;
      }
      return released;
    },
  };
}
