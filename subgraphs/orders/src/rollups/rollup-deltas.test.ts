import { describe, expect, it } from 'vitest';
import { customerDeltas, minuteOf, rollupDeltas, type RollupOrder } from './rollup-deltas';

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
  it('truncates instants to their UTC minute', () => {
    expect(minuteOf(new Date('2026-03-01T10:00:59.999Z')).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('adds orders, revenue and units per minute and currency, sorted by key', () => {
    expect(rollupDeltas(orders).sales).toEqual([
      { currency: 'EUR', minute: new Date('2026-03-01T10:00:00Z'), orders: 1, revenue: 400, units: 1 },
      { currency: 'USD', minute: new Date('2026-03-01T09:59:00Z'), orders: 1, revenue: 500, units: 1 },
      { currency: 'USD', minute: new Date('2026-03-01T10:00:00Z'), orders: 2, revenue: 2_200, units: 6 },
    ]);
  });

  it('counts each product once per order, with its units and revenue', () => {
    expect(rollupDeltas(orders).products.filter((row) => row.currency === 'USD')).toEqual([
      { currency: 'USD', minute: new Date('2026-03-01T09:59:00Z'), productId: 10, orders: 1, units: 1, revenue: 500 },
      { currency: 'USD', minute: new Date('2026-03-01T10:00:00Z'), productId: 10, orders: 2, units: 4, revenue: 2_000 },
      { currency: 'USD', minute: new Date('2026-03-01T10:00:00Z'), productId: 20, orders: 1, units: 2, revenue: 200 },
    ]);
  });

  it('takes a cancelled order out with the opposite sign', () => {
    const placed = rollupDeltas([orders[0]!]);
    const cancelled = rollupDeltas([orders[0]!], -1);
    expect(cancelled.sales.map((row) => [row.orders, row.revenue, row.units])).toEqual(placed.sales.map((row) => [-row.orders, -row.revenue, -row.units]));
    expect(cancelled.products.map((row) => row.units)).toEqual(placed.products.map((row) => -row.units));
  });

  it('tracks each customer’s earliest order and order count', () => {
    expect(customerDeltas(orders)).toEqual([
      { userId: 1, firstOrderAt: new Date('2026-03-01T09:59:59.999Z'), orders: 2 },
      { userId: 2, firstOrderAt: new Date('2026-03-01T10:00:00.000Z'), orders: 1 },
      { userId: 3, firstOrderAt: new Date('2026-03-01T10:00:30.000Z'), orders: 1 },
    ]);
  });
});
