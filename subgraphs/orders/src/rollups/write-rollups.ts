import { and, eq, min, ne, sql } from 'drizzle-orm';
import { createRowInsert, runnerOnDrizzle, type SqlRunner, type Statement } from '@rtc/service-kit';
import type { OrdersTx } from '../db/client';
import { customerStats, orders, productSalesByMinute, salesByMinute, variantSalesByMinute } from '../db/schema';
import {
  cancelledWeights,
  customerDeltas,
  historyWeights,
  paidWeights,
  placedWeights,
  rollupDeltas,
  type RollupOrder,
  type RollupWeights,
} from './rollup-deltas';

const add = (column: string) => `\`${column}\` = \`${column}\` + VALUES(\`${column}\`)`;

const grossAndNet = ['grossOrders', 'grossRevenue', 'grossUnits', 'netOrders', 'netRevenue', 'netUnits'] as const;
const grossAndNetColumns = ['gross_orders', 'gross_revenue', 'gross_units', 'net_orders', 'net_revenue', 'net_units'].map(add);

const upsertProductSales = createRowInsert(productSalesByMinute, ['currency', 'minute', 'productId', 'orders', 'units', 'revenue', ...grossAndNet], {
  onDuplicateKeyUpdate: [add('orders'), add('units'), add('revenue'), ...grossAndNetColumns].join(', '),
});
const upsertVariantSales = createRowInsert(
  variantSalesByMinute,
  ['currency', 'minute', 'variantId', 'productId', 'orders', 'units', 'revenue', ...grossAndNet],
  { onDuplicateKeyUpdate: [add('orders'), add('units'), add('revenue'), ...grossAndNetColumns].join(', ') },
);
const upsertSales = createRowInsert(salesByMinute, ['currency', 'minute', 'orders', 'revenue', 'units', ...grossAndNet], {
  onDuplicateKeyUpdate: [add('orders'), add('revenue'), add('units'), ...grossAndNetColumns].join(', '),
});
const upsertCustomerStats = createRowInsert(customerStats, ['userId', 'firstOrderAt', 'orders'], {
  onDuplicateKeyUpdate: [
    '`first_order_at` = IF(`first_order_at` IS NULL OR VALUES(`first_order_at`) < `first_order_at`, VALUES(`first_order_at`), `first_order_at`)',
    add('orders'),
  ].join(', '),
});

// Multi-row upserts stay well under max_allowed_packet.
const chunkSize = 500;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += chunkSize) out.push(rows.slice(start, start + chunkSize));
  return out;
}

/**
 * Adds orders to (or takes them from) the per-minute sales and product rollups as `weights` say, inside the
 * caller's transaction. Product rows first, the hot per-minute row last, so its lock is held the shortest.
 */
export async function applyToMinuteRollups<T extends RollupOrder>(
  tx: SqlRunner,
  placed: readonly T[],
  weights: RollupWeights | ((order: T) => RollupWeights),
): Promise<void> {
  const deltas = rollupDeltas(placed, weights);
  for (const rows of chunks(deltas.products)) await upsertProductSales.run(tx, rows);
  for (const rows of chunks(deltas.variants)) await upsertVariantSales.run(tx, rows);
  for (const rows of chunks(deltas.sales)) await upsertSales.run(tx, rows);
}

/** Records newly placed orders in each customer's first-order tracking. */
export async function addOrdersToCustomerStats(tx: SqlRunner, placed: readonly Pick<RollupOrder, 'userId' | 'placedAt'>[]): Promise<void> {
  for (const rows of chunks(customerDeltas(placed))) await upsertCustomerStats.run(tx, rows);
}

/**
 * After a customer's order was cancelled (in this transaction): one order fewer, and the first order is
 * recomputed from the orders that are still standing.
 */
async function removeCancelledOrderFromCustomerStats(tx: OrdersTx, userId: number): Promise<void> {
  const [first] = await tx
    .select({ at: min(orders.placedAt) })
    .from(orders)
    .where(and(eq(orders.userId, userId), ne(orders.status, 'CANCELLED')));
  await tx
    .update(customerStats)
    .set({ orders: sql`GREATEST(${customerStats.orders} - 1, 0)`, firstOrderAt: first?.at ?? null })
    .where(eq(customerStats.userId, userId));
}

/**
 * Everything standing (not cancelled) orders add to the analytics tables: per-minute sales and product rollups
 * and first-order tracking. Live checkout and the history seeder both call it, so the two always agree.
 * Locks rows in one order (customers, products, variants, then the per-minute row) to keep concurrent writers apart.
 */
export async function applyOrdersToRollups(tx: SqlRunner, placed: readonly RollupOrder[]): Promise<void> {
  for (const { text, values } of rollupStatements(placed)) await tx.run(text, values);
}

/**
 * The statements of applyOrdersToRollups, in its lock order, to send in the batch of the caller's transaction.
 */
export function rollupStatements(placed: readonly RollupOrder[]): Statement[] {
  const deltas = rollupDeltas(placed, placedWeights);
  return [
    ...chunks(customerDeltas(placed)).map((rows) => upsertCustomerStats.statement(rows)),
    ...chunks(deltas.products).map((rows) => upsertProductSales.statement(rows)),
    ...chunks(deltas.variants).map((rows) => upsertVariantSales.statement(rows)),
    ...chunks(deltas.sales).map((rows) => upsertSales.statement(rows)),
  ];
}

/** An order of history with the status it ended in. */
export interface HistoricalOrder extends RollupOrder {
  readonly status: string;
}

/**
 * The history seeder's `applyOrdersToRollups`: every order counts in gross, those not cancelled in the standing
 * figures and first-order tracking, those paid and not cancelled in net.
 */
export async function applyOrderHistoryToRollups(tx: SqlRunner, history: readonly HistoricalOrder[]): Promise<void> {
  await addOrdersToCustomerStats(
    tx,
    history.filter((order) => order.status !== 'CANCELLED'),
  );
  await applyToMinuteRollups(tx, history, (order) => historyWeights(order.status));
}

/** Moves a just-paid order into the net figures of the minute it was placed in. */
export async function addPaidOrderToRollups(tx: OrdersTx, order: RollupOrder): Promise<void> {
  await applyToMinuteRollups(runnerOnDrizzle(tx), [order], paidWeights);
}

/**
 * Takes a just-cancelled order (its status already CANCELLED in this transaction) out of the analytics tables;
 * out of net too when it had been paid. Gross keeps it.
 */
export async function removeCancelledOrderFromRollups(tx: OrdersTx, order: RollupOrder, wasPaid: boolean): Promise<void> {
  await removeCancelledOrderFromCustomerStats(tx, order.userId);
  await applyToMinuteRollups(runnerOnDrizzle(tx), [order], cancelledWeights(wasPaid));
}

// Per customer, one order fewer per cancelled order, and the first order recomputed from those still standing.
const recountCustomers =
  'update `customer_stats` `s` left join (select `user_id`, min(`placed_at`) as `first` from `orders` where `user_id` in (?) and `status` <> ? group by `user_id`) `f` on `f`.`user_id` = `s`.`user_id` set `s`.`orders` = greatest(`s`.`orders` - ?, 0), `s`.`first_order_at` = `f`.`first` where `s`.`user_id` in (?)';

/** `removeCancelledOrderFromRollups` for many unpaid orders cancelled in this transaction, in a few statements. */
export async function removeCancelledOrdersFromRollups(tx: SqlRunner, cancelled: readonly RollupOrder[]): Promise<void> {
  const perUser = new Map<number, number>();
  for (const order of cancelled) perUser.set(order.userId, (perUser.get(order.userId) ?? 0) + 1);
  const byCount = new Map<number, number[]>();
  for (const [userId, count] of perUser) byCount.set(count, [...(byCount.get(count) ?? []), userId]);
  for (const [count, userIds] of byCount) {
    const sorted = userIds.sort((a, b) => a - b);
    await tx.run(recountCustomers, [sorted, 'CANCELLED', count, sorted]);
  }
  await applyToMinuteRollups(tx, cancelled, cancelledWeights(false));
}
