import { describe, expect, it } from 'vitest';
import { cancelledWeights, customerDeltas, historyWeights, minuteOf, paidWeights, rollupDeltas, type RollupOrder } from './rollup-deltas';

const order = (userId: number, placedAt: string, lines: [number, number, number][], currency = 'USD'): RollupOrder => ({
  userId,
  placedAt: new Date(placedAt),
  currency,
  totalAmount: lines.reduce((sum, [, , amount]) => sum + amount, 0),
  lines: lines.map(([productId, quantity, lineAmount]) => ({ productId, quantity, lineAmount })),
});

const orders = [
  order(1, '2026-03-01T10:00:59.999Z', [
    [20, 2, 200],
    [10, 1, 500],
  ]),
  order(2, '2026-03-01T10:00:00.000Z', [[10, 3, 1_500]]),
  order(1, '2026-03-01T09:59:59.999Z', [[10, 1, 500]]),
  order(3, '2026-03-01T10:00:30.000Z', [[10, 1, 400]], 'EUR'),
];

describe('rollup deltas', () => {
  it('counts an order once per product and once per variant, two sizes of one product apart', () => {
    const sized: RollupOrder = {
      userId: 1,
      placedAt: new Date('2026-03-01T10:00:10Z'),
      currency: 'USD',
      totalAmount: 900,
      lines: [
        { productId: 10, quantity: 1, lineAmount: 300 },
        { productId: 10, variantId: 1_000_000_000_010, quantity: 2, lineAmount: 600 },
      ],
    };
    const deltas = rollupDeltas([sized]);
    expect(deltas.products.map((row) => [row.productId, row.orders, row.units, row.revenue])).toEqual([[10, 1, 3, 900]]);
    expect(deltas.variants.map((row) => [row.variantId, row.productId, row.orders, row.units, row.revenue, row.grossOrders])).toEqual([
      [10, 10, 1, 1, 300, 1],
      [1_000_000_000_010, 10, 1, 2, 600, 1],
    ]);
  });

  it('truncates instants to their UTC minute', () => {
    expect(minuteOf(new Date('2026-03-01T10:00:59.999Z')).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  // A placed order counts in the standing figures and gross alike, and not in net until paid.
  const placed = (orders: number, revenue: number, units: number) => ({
    orders,
    revenue,
    units,
    grossOrders: orders,
    grossRevenue: revenue,
    grossUnits: units,
    netOrders: 0,
    netRevenue: 0,
    netUnits: 0,
  });

  it('adds orders, revenue and units per minute and currency, sorted by key', () => {
    expect(rollupDeltas(orders).sales).toEqual([
      { currency: 'EUR', minute: new Date('2026-03-01T10:00:00Z'), ...placed(1, 400, 1) },
      { currency: 'USD', minute: new Date('2026-03-01T09:59:00Z'), ...placed(1, 500, 1) },
      { currency: 'USD', minute: new Date('2026-03-01T10:00:00Z'), ...placed(2, 2_200, 6) },
    ]);
  });

  it('counts each product once per order, with its units and revenue', () => {
    expect(rollupDeltas(orders).products.filter((row) => row.currency === 'USD')).toEqual([
      { currency: 'USD', minute: new Date('2026-03-01T09:59:00Z'), productId: 10, ...placed(1, 500, 1) },
      { currency: 'USD', minute: new Date('2026-03-01T10:00:00Z'), productId: 10, ...placed(2, 2_000, 4) },
      { currency: 'USD', minute: new Date('2026-03-01T10:00:00Z'), productId: 20, ...placed(1, 200, 2) },
    ]);
  });

  it('takes a cancelled order out of the standing figures with the opposite sign and leaves gross alone', () => {
    const [before] = rollupDeltas([orders[0]!]).sales;
    const [cancelled] = rollupDeltas([orders[0]!], cancelledWeights(false)).sales;
    expect([cancelled!.orders, cancelled!.revenue, cancelled!.units]).toEqual([-before!.orders, -before!.revenue, -before!.units]);
    expect([cancelled!.grossOrders, cancelled!.grossRevenue, cancelled!.netOrders]).toEqual([0, 0, 0]);
  });

  it('moves a paid order into net, and a refunded one back out, in the minute it was placed', () => {
    const [paid] = rollupDeltas([orders[0]!], paidWeights).sales;
    expect(paid).toMatchObject({ minute: new Date('2026-03-01T10:00:00Z'), orders: 0, grossOrders: 0, netOrders: 1, netRevenue: 700, netUnits: 3 });
    const [refunded] = rollupDeltas([orders[0]!], cancelledWeights(true)).products;
    expect(refunded).toMatchObject({ productId: 10, orders: -1, units: -1, grossUnits: 0, netOrders: -1, netUnits: -1, netRevenue: -500 });
  });

  it('adds history as the sum of each order’s placement, payment and cancellation', () => {
    const history = ['PENDING', 'DELIVERED', 'CANCELLED'].map((status) => ({ ...orders[1]!, status }));
    const [minute] = rollupDeltas(history, (order) => historyWeights(order.status)).sales;
    expect(minute).toMatchObject({
      orders: 2,
      revenue: 3_000,
      grossOrders: 3,
      grossRevenue: 4_500,
      grossUnits: 9,
      netOrders: 1,
      netRevenue: 1_500,
      netUnits: 3,
    });
    expect(historyWeights('SHIPPED')).toEqual({ standing: 1, gross: 1, net: 1 });
  });

  it('tracks each customer’s earliest order and order count', () => {
    expect(customerDeltas(orders)).toEqual([
      { userId: 1, firstOrderAt: new Date('2026-03-01T09:59:59.999Z'), orders: 2 },
      { userId: 2, firstOrderAt: new Date('2026-03-01T10:00:00.000Z'), orders: 1 },
      { userId: 3, firstOrderAt: new Date('2026-03-01T10:00:30.000Z'), orders: 1 },
    ]);
  });
});
