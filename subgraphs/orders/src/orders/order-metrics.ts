import { asc, desc, gte, sql } from 'drizzle-orm';
import { Counter, Gauge, type ServiceMetrics } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { productSalesByMinute, type OrderRow } from '../db/schema';

export interface OrderMetrics {
  placed(order: OrderRow): void;
  /** A payment captured: the order enters net sales. */
  paid(order: OrderRow): void;
  /** `wasPaid`: the order had been paid, so its payment was refunded and it leaves net sales. */
  cancelled(order: OrderRow, wasPaid?: boolean): void;
}

export interface OrderMetricsOptions {
  /** Currencies whose counters exist at 0 from the start, so rates are defined before the first sale. */
  readonly currencies?: readonly string[];
  /** How long one reading of the top products serves scrapes. */
  readonly refreshMs?: number;
  readonly now?: () => number;
}

/** The business counters, and the top-10 products of the last hour read from the rollups on scrape. */
export function createOrderMetrics(
  metrics: ServiceMetrics,
  db: OrdersDb,
  { currencies = [], refreshMs = 30_000, now = Date.now }: OrderMetricsOptions = {},
): OrderMetrics {
  const registers = [metrics.registry];
  const placedTotal = new Counter({ name: 'rtc_orders_placed_total', help: 'Orders placed', labelNames: ['currency'], registers });
  const cancelledTotal = new Counter({ name: 'rtc_orders_cancelled_total', help: 'Orders cancelled', labelNames: ['currency'], registers });
  const revenueTotal = new Counter({
    name: 'rtc_revenue_minor_units_total',
    help: 'Order totals at placement, in minor units',
    labelNames: ['currency'],
    registers,
  });
  const unitsTotal = new Counter({ name: 'rtc_units_sold_total', help: 'Units in placed orders', registers });
  // Net sales over time are paid less refunded, counted when the payment or refund happens.
  const paidTotal = new Counter({ name: 'rtc_orders_paid_total', help: 'Orders paid', labelNames: ['currency'], registers });
  const paidRevenueTotal = new Counter({
    name: 'rtc_paid_revenue_minor_units_total',
    help: 'Order totals when paid, in minor units',
    labelNames: ['currency'],
    registers,
  });
  const refundedTotal = new Counter({
    name: 'rtc_orders_refunded_total',
    help: 'Paid orders cancelled, their payment refunded',
    labelNames: ['currency'],
    registers,
  });
  const refundedRevenueTotal = new Counter({
    name: 'rtc_refunded_revenue_minor_units_total',
    help: 'Totals of paid orders cancelled, in minor units',
    labelNames: ['currency'],
    registers,
  });
  for (const currency of currencies) {
    for (const counter of [placedTotal, cancelledTotal, revenueTotal, paidTotal, paidRevenueTotal, refundedTotal, refundedRevenueTotal])
      counter.inc({ currency }, 0);
  }

  let refreshedAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  new Gauge({
    name: 'rtc_top_product_units_sold',
    help: 'Units sold in the last hour by the current top 10 products (cancelled orders left out)',
    labelNames: ['rank', 'product'],
    registers,
    async collect() {
      if (now() - refreshedAt < refreshMs) return;
      reading ??= (async () => {
        const units = sql<number>`SUM(${productSalesByMinute.units})`.mapWith(Number).as('units_sold');
        const top = await db
          .select({ productId: productSalesByMinute.productId, units })
          .from(productSalesByMinute)
          .where(gte(productSalesByMinute.minute, new Date(now() - 3_600_000)))
          .groupBy(productSalesByMinute.productId)
          .having(sql`units_sold > 0`)
          .orderBy(desc(sql`units_sold`), asc(productSalesByMinute.productId))
          .limit(10);
        this.reset();
        top.forEach((row, index) => this.set({ rank: String(index + 1), product: String(row.productId) }, row.units));
        refreshedAt = now();
      })()
        // A failed read keeps the last ranking; /metrics must answer while the database does not.
        .catch(() => undefined)
        .finally(() => (reading = undefined));
      await reading;
    },
  });

  return {
    placed(order) {
      placedTotal.inc({ currency: order.currency });
      revenueTotal.inc({ currency: order.currency }, order.totalAmount);
      unitsTotal.inc(order.itemCount);
    },
    paid(order) {
      paidTotal.inc({ currency: order.currency });
      paidRevenueTotal.inc({ currency: order.currency }, order.totalAmount);
    },
    cancelled(order, wasPaid = false) {
      cancelledTotal.inc({ currency: order.currency });
      if (!wasPaid) return;
      refundedTotal.inc({ currency: order.currency });
      refundedRevenueTotal.inc({ currency: order.currency }, order.totalAmount);
    },
  };
}
