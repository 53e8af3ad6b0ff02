import { drizzle } from 'drizzle-orm/mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlPool, runnerOn } from '@rtc/service-kit';
import { errorCodes } from '@rtc/testkit';
import * as schema from '../db/schema';
import { applyOrderHistoryToRollups, applyOrdersToRollups, type HistoricalOrder } from '../rollups/write-rollups';
import { startOrderStack, type Caller, type OrderStack } from '../testing';

// New York in January keeps UTC-5 all month, so plain SQL can bucket days with a fixed offset.
const timeZone = 'America/New_York';
const analyst: Caller = { userId: '2', role: 'ANALYST' };
const admin: Caller = { userId: '1', role: 'ADMIN' };
const customer: Caller = { userId: '501' };

let stack: OrderStack;

const money = 'amount currency';
const figures = `orders revenue { ${money} } units averageOrderValue { ${money} }`;
const seriesQuery = `query($from: DateTime!, $to: DateTime!, $bucket: SalesBucket!) { salesSeries(from: $from, to: $to, bucket: $bucket) { start ${figures} gross { ${figures} } net { ${figures} } } }`;
const totals = `from to ${figures} gross { ${figures} } net { ${figures} }`;
const change = 'orders revenue units averageOrderValue';
const summaryQuery = `query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { ${totals} } previous { ${totals} } change { ${change} } grossChange { ${change} } netChange { ${change} } } }`;
const productFigures = `units revenue { ${money} } orders`;
const topQuery = `query($from: DateTime!, $to: DateTime!, $limit: Int) { topProducts(from: $from, to: $to, limit: $limit) { product { id } ${productFigures} gross { ${productFigures} } net { ${productFigures} } } }`;
const customersQuery = `query($from: DateTime!, $to: DateTime!, $limit: Int) { customerStats(from: $from, to: $to, limit: $limit) { customers newCustomers returningCustomers returningCustomerRate repeatPurchaseRate topCustomers { user { id } orders spend { ${money} } netOrders netSpend { ${money} } } } }`;

interface Figures {
  orders: number;
  revenue: { amount: number; currency: string };
  units: number;
  averageOrderValue: { amount: number; currency: string };
}

interface Point extends Figures {
  start: string;
  gross: Figures;
  net: Figures;
}

/** Orders, revenue and units as plain SQL sums them. */
interface RawFigures {
  orders: number;
  revenue: number;
  units: number;
}

/** Not cancelled (the deprecated figures), gross (every order placed) and net (paid, not cancelled or refunded). */
interface RawSales {
  standing: RawFigures;
  gross: RawFigures;
  net: RawFigures;
}

/** A small deterministic generator, so a failure replays. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const historyStart = Date.parse('2026-01-01T00:00:00Z');
const historyDays = 20;
const productIds = [11, 12, 13, 14, 15, 16];
/** The id of a product's second variant (a larger size): added variants are numbered from 10^12. */
const largeOf = (productId: number) => 1_000_000_000_000 + productId;

/** A month of history written the way the stack's seeder does: rows straight in, rollups through applyOrderHistoryToRollups. */
async function seedHistory(url: string) {
  const next = random(42);
  const pool = createMysqlPool({ url, connectionLimit: 1 });
  const db = drizzle(pool, { schema, mode: 'default' });
  const orders: (typeof schema.orders.$inferInsert)[] = [];
  const lines: (typeof schema.orderLines.$inferInsert)[] = [];
  const history: HistoricalOrder[] = [];
  for (let id = 1; id <= 600; id += 1) {
    // Clusters of orders on some minutes, and some exactly on minute boundaries.
    const minute = Math.floor(next() * historyDays * 24 * 60);
    const placedAt = new Date(historyStart + minute * 60_000 + (id % 5 === 0 ? 0 : Math.floor(next() * 60_000)));
    const userId = 1_000 + Math.floor(next() * next() * 40);
    const chosen = productIds.filter(() => next() < 0.35);
    const orderLines = (chosen.length > 0 ? chosen : [productIds[id % productIds.length]!]).flatMap((productId) => {
      const quantity = 1 + Math.floor(next() * 4);
      const unitAmount = productId * 100 + 99;
      // Product 11 comes in two sizes, sold by turns; some orders hold both sizes of product 12.
      const variantId = productId === 11 && id % 2 === 1 ? largeOf(11) : productId;
      const line = { orderId: id, productId, variantId, quantity, unitAmount, lineAmount: quantity * unitAmount };
      if (productId !== 12 || id % 4 !== 0) return [line];
      return [line, { orderId: id, productId, variantId: largeOf(12), quantity: 1, unitAmount: unitAmount + 50, lineAmount: unitAmount + 50 }];
    });
    // Cancelled unpaid, refunded (paid, then cancelled), unpaid, paid, delivered.
    const draw = next();
    const status = draw < 0.15 ? 'CANCELLED' : draw < 0.45 ? 'PENDING' : draw < 0.65 ? 'PAID' : 'DELIVERED';
    const paidAt = status === 'PAID' || status === 'DELIVERED' || (status === 'CANCELLED' && draw < 0.06) ? placedAt : null;
    const totalAmount = orderLines.reduce((sum, line) => sum + line.lineAmount, 0);
    const itemCount = orderLines.reduce((sum, line) => sum + line.quantity, 0);
    orders.push({
      id,
      userId,
      idempotencyKey: `history-${id}`,
      reservationRef: `history-${id}`,
      status,
      currency: 'USD',
      totalAmount,
      itemCount,
      placedAt,
      updatedAt: placedAt,
      paidAt,
      cancelledAt: status === 'CANCELLED' ? placedAt : null,
      stockReleasedAt: status === 'CANCELLED' ? placedAt : null,
    });
    lines.push(...orderLines);
    history.push({ status, userId, placedAt, currency: 'USD', totalAmount, lines: orderLines });
  }
  // One order in another currency, which USD figures must leave out.
  orders.push({
    id: 601,
    userId: 1_001,
    idempotencyKey: 'history-601',
    reservationRef: 'history-601',
    status: 'PAID',
    currency: 'EUR',
    totalAmount: 5_000,
    itemCount: 1,
    placedAt: new Date('2026-01-05T12:00:00Z'),
    updatedAt: new Date('2026-01-05T12:00:00Z'),
  });
  lines.push({ orderId: 601, productId: 11, variantId: 11, quantity: 1, unitAmount: 5_000, lineAmount: 5_000 });
  history.push({
    status: 'PAID',
    userId: 1_001,
    placedAt: new Date('2026-01-05T12:00:00Z'),
    currency: 'EUR',
    totalAmount: 5_000,
    lines: [{ productId: 11, quantity: 1, lineAmount: 5_000 }],
  });
  try {
    await db.insert(schema.orders).values(orders);
    await db.insert(schema.orderLines).values(lines);
    await applyOrderHistoryToRollups(runnerOn(pool), history);
  } finally {
    await pool.end();
  }
}

const minuteFloor = (iso: string) => new Date(Math.floor(Date.parse(iso) / 60_000) * 60_000);
const minuteCeil = (iso: string) => new Date(Math.ceil(Date.parse(iso) / 60_000) * 60_000);

// The three kinds of sales as plain SQL over the orders: paid means PAID, SHIPPED or DELIVERED (a cancelled paid
// order was refunded).
const standingSql = "status <> 'CANCELLED'";
const paidSql = "status IN ('PAID', 'SHIPPED', 'DELIVERED')";
const rawSalesColumns = `
  SUM(${standingSql}) AS orders, SUM(IF(${standingSql}, total_amount, 0)) AS revenue, SUM(IF(${standingSql}, item_count, 0)) AS units,
  COUNT(*) AS gross_orders, SUM(total_amount) AS gross_revenue, SUM(item_count) AS gross_units,
  SUM(${paidSql}) AS net_orders, SUM(IF(${paidSql}, total_amount, 0)) AS net_revenue, SUM(IF(${paidSql}, item_count, 0)) AS net_units`;
type RawSalesRow = Record<
  'orders' | 'revenue' | 'units' | 'gross_orders' | 'gross_revenue' | 'gross_units' | 'net_orders' | 'net_revenue' | 'net_units',
  unknown
>;
const noRawSales: RawSales = {
  standing: { orders: 0, revenue: 0, units: 0 },
  gross: { orders: 0, revenue: 0, units: 0 },
  net: { orders: 0, revenue: 0, units: 0 },
};

function rawSalesOf(row: RawSalesRow | undefined): RawSales {
  if (!row) return noRawSales;
  const n = (value: unknown) => Number(value ?? 0);
  return {
    standing: { orders: n(row.orders), revenue: n(row.revenue), units: n(row.units) },
    gross: { orders: n(row.gross_orders), revenue: n(row.gross_revenue), units: n(row.gross_units) },
    net: { orders: n(row.net_orders), revenue: n(row.net_revenue), units: n(row.net_units) },
  };
}

/** The sales of [from, to) straight from the orders table. */
async function rawTotals(from: Date, to: Date): Promise<RawSales> {
  const [row] = await stack.orderRows<RawSalesRow>(`SELECT ${rawSalesColumns} FROM orders WHERE currency = 'USD' AND placed_at >= ? AND placed_at < ?`, [
    from,
    to,
  ]);
  return rawSalesOf(row);
}

/** Raw per-bucket sales keyed by bucket start (ISO), bucketed by `bucketSql` over `placed_at`. */
async function rawSeries(from: Date, to: Date, bucketSql: string): Promise<Map<string, RawSales>> {
  const rows = await stack.orderRows<RawSalesRow & { bucket: Date }>(
    `SELECT ${bucketSql} AS bucket, ${rawSalesColumns} FROM orders WHERE currency = 'USD' AND placed_at >= ? AND placed_at < ? GROUP BY bucket`,
    [from, to],
  );
  return new Map(rows.map((row) => [new Date(row.bucket).toISOString(), rawSalesOf(row)]));
}

const figuresOf = (figures: Figures) => ({ orders: figures.orders, revenue: figures.revenue.amount, units: figures.units });
const aov = ({ orders, revenue }: RawFigures) => (orders ? Math.round(revenue / orders) : 0);

async function series(from: string, to: string, bucket: string): Promise<Point[]> {
  const result = await stack.call<{ salesSeries: Point[] }>(seriesQuery, { from, to, bucket }, analyst);
  expect(result.errors).toBeUndefined();
  return result.data!.salesSeries;
}

function expectSeriesMatches(points: Point[], raw: Map<string, RawSales>) {
  const nonEmpty = points.filter((point) => point.gross.orders > 0);
  expect(nonEmpty.length).toBe(raw.size);
  for (const point of points) {
    const expected = raw.get(point.start) ?? noRawSales;
    expect({ start: point.start, standing: figuresOf(point), gross: figuresOf(point.gross), net: figuresOf(point.net) }).toEqual({
      start: point.start,
      ...expected,
    });
    expect([point.averageOrderValue.amount, point.gross.averageOrderValue.amount, point.net.averageOrderValue.amount]).toEqual([
      aov(expected.standing),
      aov(expected.gross),
      aov(expected.net),
    ]);
  }
}

beforeAll(async () => {
  stack = await startOrderStack({ config: { storeTimeZone: timeZone } });
  await seedHistory(stack.ordersDb.url);
});

afterAll(async () => {
  await stack?.stop();
});

describe('sales analytics against the raw orders table', () => {
  it('gives one point per store-local day, zero-filled, matching a plain SQL aggregate', async () => {
    const from = '2026-01-03T15:17:30Z';
    const to = '2026-01-15T08:00:00Z';
    const points = await series(from, to, 'DAY');
    // Local days Jan 3 .. Jan 15 (to is 03:00 on the 15th in New York).
    expect(points.map((point) => point.start)).toEqual(Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2026, 0, 3 + i, 5)).toISOString()));
    const raw = await rawSeries(minuteFloor(from), minuteCeil(to), 'DATE(placed_at - INTERVAL 5 HOUR) + INTERVAL 5 HOUR');
    expectSeriesMatches(points, raw);
  });

  it('gives hourly and per-minute points matching plain SQL', async () => {
    const hourly = await series('2026-01-07T00:00:00Z', '2026-01-09T00:00:00Z', 'HOUR');
    expect(hourly).toHaveLength(48);
    expectSeriesMatches(
      hourly,
      await rawSeries(new Date('2026-01-07T00:00:00Z'), new Date('2026-01-09T00:00:00Z'), "DATE_FORMAT(placed_at, '%Y-%m-%d %H:00:00')"),
    );
    const perMinute = await series('2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z', 'MINUTE');
    expect(perMinute).toHaveLength(1440);
    expectSeriesMatches(
      perMinute,
      await rawSeries(new Date('2026-01-10T00:00:00Z'), new Date('2026-01-11T00:00:00Z'), "DATE_FORMAT(placed_at, '%Y-%m-%d %H:%i:00')"),
    );
  });

  it('sums a window and the one before it like plain SQL, with the relative change', async () => {
    const from = '2026-01-08T05:00:00Z';
    const to = '2026-01-15T05:00:00Z';
    type Change = { orders: number | null; revenue: number | null; units: number | null };
    type Totals = Figures & { from: string; gross: Figures; net: Figures };
    const result = await stack.call<{
      salesSummary: { current: Totals; previous: Totals; change: Change; grossChange: Change; netChange: Change };
    }>(summaryQuery, { from, to }, analyst);
    expect(result.errors).toBeUndefined();
    const { current, previous, change, grossChange, netChange } = result.data!.salesSummary;
    const rawCurrent = await rawTotals(new Date(from), new Date(to));
    const rawPrevious = await rawTotals(new Date('2026-01-01T05:00:00Z'), new Date(from));
    // Each kind differs from the others, so a figure read from the wrong column cannot pass.
    expect(rawCurrent.net.orders).toBeGreaterThan(30);
    expect(rawCurrent.standing.orders).toBeGreaterThan(rawCurrent.net.orders);
    expect(rawCurrent.gross.orders).toBeGreaterThan(rawCurrent.standing.orders);
    expect({ standing: figuresOf(current), gross: figuresOf(current.gross), net: figuresOf(current.net) }).toEqual(rawCurrent);
    expect([current.averageOrderValue.amount, current.gross.averageOrderValue.amount, current.net.averageOrderValue.amount]).toEqual([
      aov(rawCurrent.standing),
      aov(rawCurrent.gross),
      aov(rawCurrent.net),
    ]);
    expect(previous.from).toBe('2026-01-01T05:00:00.000Z');
    expect({ standing: figuresOf(previous), gross: figuresOf(previous.gross), net: figuresOf(previous.net) }).toEqual(rawPrevious);
    const relative = (kind: keyof RawSales, measure: keyof RawFigures) => (rawCurrent[kind][measure] - rawPrevious[kind][measure]) / rawPrevious[kind][measure];
    expect(change.orders).toBeCloseTo(relative('standing', 'orders'), 10);
    expect(change.revenue).toBeCloseTo(relative('standing', 'revenue'), 10);
    expect(grossChange.orders).toBeCloseTo(relative('gross', 'orders'), 10);
    expect(grossChange.units).toBeCloseTo(relative('gross', 'units'), 10);
    expect(netChange.orders).toBeCloseTo(relative('net', 'orders'), 10);
    expect(netChange.revenue).toBeCloseTo(relative('net', 'revenue'), 10);
  });

  it('ranks products by units, then revenue, then id, like plain SQL', async () => {
    const from = '2026-01-02T00:00:00Z';
    const to = '2026-01-12T00:00:00Z';
    type ProductFigures = { units: number; revenue: { amount: number }; orders: number };
    const result = await stack.call<{ topProducts: (ProductFigures & { product: { id: string }; gross: ProductFigures; net: ProductFigures })[] }>(
      topQuery,
      { from, to, limit: 4 },
      analyst,
    );
    const paid = "o.status IN ('PAID', 'SHIPPED', 'DELIVERED')";
    const raw = await stack.orderRows<Record<string, number>>(
      `SELECT l.product_id,
         SUM(IF(o.status <> 'CANCELLED', l.quantity, 0)) AS units, SUM(IF(o.status <> 'CANCELLED', l.line_amount, 0)) AS revenue, COUNT(DISTINCT IF(o.status <> 'CANCELLED', o.id, NULL)) AS orders,
         SUM(l.quantity) AS gross_units, SUM(l.line_amount) AS gross_revenue, COUNT(DISTINCT o.id) AS gross_orders,
         SUM(IF(${paid}, l.quantity, 0)) AS net_units, SUM(IF(${paid}, l.line_amount, 0)) AS net_revenue, COUNT(DISTINCT IF(${paid}, o.id, NULL)) AS net_orders
       FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.currency = 'USD' AND o.placed_at >= ? AND o.placed_at < ?
       GROUP BY l.product_id ORDER BY units DESC, revenue DESC, l.product_id ASC LIMIT 4`,
      [new Date(from), new Date(to)],
    );
    const figuresOfProduct = (figures: ProductFigures) => [figures.units, figures.revenue.amount, figures.orders];
    expect(
      result.data!.topProducts.map((row) => [row.product.id, ...figuresOfProduct(row), ...figuresOfProduct(row.gross), ...figuresOfProduct(row.net)]),
    ).toEqual(
      raw.map((row) =>
        [
          row['product_id'],
          row['units'],
          row['revenue'],
          row['orders'],
          row['gross_units'],
          row['gross_revenue'],
          row['gross_orders'],
          row['net_units'],
          row['net_revenue'],
          row['net_orders'],
        ].map((value, index) => (index === 0 ? String(value) : Number(value))),
      ),
    );
  });

  it('ranks variants, sizes of one product apart, by units and revenue like plain SQL over the order lines', async () => {
    const from = '2026-01-02T00:00:00Z';
    const to = '2026-01-15T00:00:00Z';
    type VariantFigures = { units: number; revenue: { amount: number }; orders: number };
    const result = await stack.call<{
      topVariants: (VariantFigures & { variant: { id: string }; product: { id: string }; gross: VariantFigures; net: VariantFigures })[];
    }>(
      `query($from: DateTime!, $to: DateTime!) { topVariants(from: $from, to: $to, limit: 20) { variant { id } product { id } ${productFigures} gross { ${productFigures} } net { ${productFigures} } } }`,
      { from, to },
      analyst,
    );
    expect(result.errors).toBeUndefined();
    const paid = "o.status IN ('PAID', 'SHIPPED', 'DELIVERED')";
    const raw = await stack.orderRows<Record<string, number>>(
      `SELECT l.variant_id, MIN(l.product_id) AS product_id,
         SUM(IF(o.status <> 'CANCELLED', l.quantity, 0)) AS units, SUM(IF(o.status <> 'CANCELLED', l.line_amount, 0)) AS revenue, SUM(o.status <> 'CANCELLED') AS orders,
         SUM(l.quantity) AS gross_units, SUM(l.line_amount) AS gross_revenue, COUNT(*) AS gross_orders,
         SUM(IF(${paid}, l.quantity, 0)) AS net_units, SUM(IF(${paid}, l.line_amount, 0)) AS net_revenue, SUM(${paid}) AS net_orders
       FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.currency = 'USD' AND o.placed_at >= ? AND o.placed_at < ?
       GROUP BY l.variant_id HAVING units > 0 ORDER BY units DESC, revenue DESC, l.variant_id ASC LIMIT 20`,
      [new Date(from), new Date(to)],
    );
    // Both sizes of products 11 and 12 sold in the window, each ranked on its own.
    expect(raw.map((row) => String(row['variant_id']))).toEqual(expect.arrayContaining(['11', String(largeOf(11)), '12', String(largeOf(12))]));
    const figuresOf = (figures: VariantFigures) => [figures.units, figures.revenue.amount, figures.orders];
    expect(result.data!.topVariants.map((row) => [row.variant.id, row.product.id, ...figuresOf(row), ...figuresOf(row.gross), ...figuresOf(row.net)])).toEqual(
      raw.map((row) =>
        [
          'variant_id',
          'product_id',
          'units',
          'revenue',
          'orders',
          'gross_units',
          'gross_revenue',
          'gross_orders',
          'net_units',
          'net_revenue',
          'net_orders',
        ].map((column, index) => (index < 2 ? String(row[column]) : Number(row[column]))),
      ),
    );
    const ofOne = await stack.call<{ topVariants: { variant: { id: string } }[] }>(
      `query($from: DateTime!, $to: DateTime!) { topVariants(from: $from, to: $to, productId: "11") { variant { id } } }`,
      { from, to },
      analyst,
    );
    expect(ofOne.data!.topVariants.map((row) => row.variant.id).sort()).toEqual(['11', String(largeOf(11))].sort());
  });

  it('tells new from returning customers and finds the biggest spenders like plain SQL', async () => {
    const from = '2026-01-10T00:00:00Z';
    const to = '2026-01-17T00:00:00Z';
    const result = await stack.call<{
      customerStats: {
        customers: number;
        newCustomers: number;
        returningCustomers: number;
        returningCustomerRate: number;
        repeatPurchaseRate: number;
        topCustomers: { user: { id: string }; orders: number; spend: { amount: number }; netOrders: number; netSpend: { amount: number } }[];
      };
    }>(customersQuery, { from, to, limit: 5 }, admin);
    expect(result.errors).toBeUndefined();
    const stats = result.data!.customerStats;
    const [raw] = await stack.orderRows<{ customers: number; returning_customers: number; repeaters: number }>(
      `SELECT COUNT(*) AS customers, SUM(first_ever < ?) AS returning_customers, SUM(orders_in_window >= 2) AS repeaters FROM (
         SELECT w.user_id, COUNT(*) AS orders_in_window,
           (SELECT MIN(e.placed_at) FROM orders e WHERE e.user_id = w.user_id AND e.status <> 'CANCELLED') AS first_ever
         FROM orders w WHERE w.status <> 'CANCELLED' AND w.currency = 'USD' AND w.placed_at >= ? AND w.placed_at < ? GROUP BY w.user_id) t`,
      [new Date(from), new Date(from), new Date(to)],
    );
    const customers = Number(raw!.customers);
    const returning = Number(raw!.returning_customers);
    expect(returning).toBeGreaterThan(0);
    expect(customers - returning).toBeGreaterThanOrEqual(0);
    expect(stats).toMatchObject({ customers, returningCustomers: returning, newCustomers: customers - returning });
    expect(stats.returningCustomerRate).toBeCloseTo(returning / customers, 10);
    expect(stats.repeatPurchaseRate).toBeCloseTo(Number(raw!.repeaters) / customers, 10);
    const top = await stack.orderRows<{ user_id: number; orders: number; spend: number; net_orders: number; net_spend: number }>(
      `SELECT user_id, COUNT(*) AS orders, SUM(total_amount) AS spend, SUM(${paidSql}) AS net_orders, SUM(IF(${paidSql}, total_amount, 0)) AS net_spend
       FROM orders WHERE status <> 'CANCELLED' AND currency = 'USD' AND placed_at >= ? AND placed_at < ? GROUP BY user_id ORDER BY spend DESC, orders DESC, user_id ASC LIMIT 5`,
      [new Date(from), new Date(to)],
    );
    expect(stats.topCustomers.map((row) => [row.user.id, row.orders, row.spend.amount, row.netOrders, row.netSpend.amount])).toEqual(
      top.map((row) => [String(row.user_id), Number(row.orders), Number(row.spend), Number(row.net_orders), Number(row.net_spend)]),
    );
  });

  it('counts a customer whose only earlier order was cancelled as new', async () => {
    const stats = async () =>
      (
        await stack.call<{ customerStats: { newCustomers: number; returningCustomers: number } }>(
          customersQuery,
          { from: '2026-01-25T00:00:00Z', to: '2026-01-26T00:00:00Z' },
          admin,
        )
      ).data!.customerStats;
    await stack.orderRows(
      `INSERT INTO orders (id, user_id, idempotency_key, reservation_ref, status, currency, total_amount, item_count, placed_at, updated_at, cancelled_at)
       VALUES (700, 9000, 'c-700', 'c-700', 'CANCELLED', 'USD', 100, 1, '2026-01-02 10:00:00', '2026-01-02 10:00:00', '2026-01-02 10:00:00'),
              (701, 9000, 'c-701', 'c-701', 'PAID', 'USD', 100, 1, '2026-01-25 10:00:00', '2026-01-25 10:00:00', NULL)`,
    );
    await stack.orderRows(
      `INSERT INTO order_lines (order_id, product_id, variant_id, quantity, unit_amount, line_amount) VALUES (700, 11, 11, 1, 100, 100), (701, 11, 11, 1, 100, 100)`,
    );
    const pool = createMysqlPool({ url: stack.ordersDb.url, connectionLimit: 1 });
    await applyOrdersToRollups(runnerOn(pool), [
      { userId: 9000, placedAt: new Date('2026-01-25T10:00:00Z'), currency: 'USD', totalAmount: 100, lines: [{ productId: 11, quantity: 1, lineAmount: 100 }] },
    ]);
    await pool.end();
    expect(await stats()).toMatchObject({ customers: 1, newCustomers: 1, returningCustomers: 0 });
  });

  it('follows live orders and cancellations minute by minute', async () => {
    const [vase, bowl] = await stack.seedProducts([
      { sku: 'LIVE-VASE', price: 1_999, stock: 100 },
      { sku: 'LIVE-BOWL', price: 450, stock: 100 },
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const result = await stack.call<{ placeOrder: { order: { id: string } } }>(
        'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }',
        {
          input: {
            idempotencyKey: `live-${i}`,
            lines: [
              { productId: vase, quantity: 1 + (i % 3) },
              { productId: bowl, quantity: 2 },
            ],
          },
        },
        { userId: String(600 + (i % 2)) },
      );
      ids.push(result.data!.placeOrder.order.id);
    }
    const pay = async (id: string | undefined, userId: string) => {
      const result = await stack.call(
        'mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { id } errors { code } } }',
        { id },
        { userId },
      );
      expect(result.errors).toBeUndefined();
    };
    await pay(ids[0], '600');
    await pay(ids[1], '601');
    await pay(ids[2], '600');
    // A paid order cancelled (refunded: out of net) and an unpaid one (voided); gross keeps both.
    await stack.call('mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id } errors { code } } }', { id: ids[1] }, { userId: '601' });
    await stack.call('mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id } errors { code } } }', { id: ids[4] }, admin);
    const now = Date.now();
    const from = new Date(now - 10 * 60_000).toISOString();
    const to = new Date(now + 60_000).toISOString();
    const points = await series(from, to, 'MINUTE');
    expectSeriesMatches(points, await rawSeries(minuteFloor(from), minuteCeil(to), "DATE_FORMAT(placed_at, '%Y-%m-%d %H:%i:00')"));
    expect(points.reduce((sum, point) => sum + point.orders, 0)).toBe(4);
    expect(points.reduce((sum, point) => sum + point.gross.orders, 0)).toBe(6);
    expect(points.reduce((sum, point) => sum + point.net.orders, 0)).toBe(2);
    const statuses = await stack.call<{ a: { paymentStatus: string }; b: { paymentStatus: string }; c: { paymentStatus: string } }>(
      'query($a: ID!, $b: ID!, $c: ID!) { a: order(id: $a) { paymentStatus } b: order(id: $b) { paymentStatus } c: order(id: $c) { paymentStatus } }',
      { a: ids[0], b: ids[1], c: ids[4] },
      admin,
    );
    expect(statuses.data).toEqual({ a: { paymentStatus: 'PAID' }, b: { paymentStatus: 'REFUNDED' }, c: { paymentStatus: 'VOIDED' } });
    const top = await stack.call<{ topProducts: { product: { id: string }; units: number }[] }>(topQuery, { from, to }, analyst);
    // Both sold 8 units once the cancellations are out; the vase brought more revenue.
    expect(top.data!.topProducts.map((row) => [row.product.id, row.units])).toEqual([
      [vase, 1 + 3 + 1 + 3],
      [bowl, 2 * 4],
    ]);
  });
});

describe('analytics arguments and access', () => {
  it.each([
    [seriesQuery, { from: '2026-01-02T00:00:00Z', to: '2026-01-02T00:00:00Z', bucket: 'DAY' }, 'to: must be later than from'],
    [seriesQuery, { from: '2026-01-03T00:00:00Z', to: '2026-01-02T00:00:00Z', bucket: 'HOUR' }, 'to: must be later than from'],
    [seriesQuery, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:01:00Z', bucket: 'MINUTE' }, 'bucket: MINUTE buckets cover a window of at most 24 hours'],
    [seriesQuery, { from: '2026-01-01T00:00:00Z', to: '2026-02-02T00:00:00Z', bucket: 'HOUR' }, 'bucket: HOUR buckets cover a window of at most 31 days'],
    [summaryQuery, { from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to: the window may span at most 400 days'],
    [topQuery, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', limit: 0 }, 'limit: must be between 1 and 100'],
    [customersQuery, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', limit: 101 }, 'limit: must be between 1 and 100'],
    [summaryQuery, { from: 'yesterday', to: '2026-01-02T00:00:00Z' }, null],
  ])('refuses bad arguments naming them (%#)', async (query, variables, message) => {
    const result = await stack.call(query, variables, analyst);
    expect(errorCodes(result)[0]).toBe('BAD_USER_INPUT');
    if (message) expect(result.errors?.[0]?.message).toBe(message);
  });

  it('is for analysts and admins only', async () => {
    const variables = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
    expect(errorCodes(await stack.call(summaryQuery, variables, customer))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.call(topQuery, variables, null))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await stack.call(customersQuery, variables, customer))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.call(seriesQuery, { ...variables, bucket: 'DAY' }, customer))).toEqual(['FORBIDDEN']);
  });
});
