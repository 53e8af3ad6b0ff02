import { describe, expect, it } from 'vitest';
import { addPlacedOrder, averageOrderValue, changeAgainstYesterday, noDaySales, noSales, salesTodayFromSnapshot } from './sales-today';

const dayStart = Date.UTC(2025, 0, 6, 23, 0, 0);
// Snapshots in these tests were read at midnight, before any of the orders.
const readAt = dayStart;
const order = (id: string, overrides: Partial<{ placedAt: number; total: number; currency: string; units: number }> = {}) => ({
  id,
  placedAt: dayStart + 3_600_000,
  total: 2_500,
  currency: 'USD',
  units: 2,
  ...overrides,
});

describe("today's sales", () => {
  it('adds each placed order of today to gross sales, and leaves net to the payment', () => {
    const net = { orders: 2, revenue: 4_000, units: 3 };
    let state = salesTodayFromSnapshot(dayStart, 'USD', { gross: { orders: 4, revenue: 10_000, units: 9 }, net }, null, readAt);
    state = addPlacedOrder(state, order('1'));
    state = addPlacedOrder(state, order('2', { total: 500, units: 1 }));
    expect(state.today).toEqual({ gross: { orders: 6, revenue: 13_000, units: 12 }, net });
  });

  it('counts an order once when its tick arrives twice', () => {
    const state = salesTodayFromSnapshot(dayStart, 'USD', noDaySales, null, readAt);
    const once = addPlacedOrder(state, order('7'));
    expect(addPlacedOrder(once, order('7'))).toBe(once);
  });

  it('leaves out orders placed before midnight and orders in another currency', () => {
    const state = salesTodayFromSnapshot(dayStart, 'USD', noDaySales, null, readAt);
    expect(addPlacedOrder(state, order('1', { placedAt: dayStart - 1 }))).toBe(state);
    expect(addPlacedOrder(state, order('2', { currency: 'EUR' }))).toBe(state);
  });

  it('leaves out orders the snapshot already counts: placed before it was asked for', () => {
    const askedAt = dayStart + 3_600_000;
    const state = salesTodayFromSnapshot(dayStart, 'USD', { gross: { orders: 1, revenue: 2_500, units: 2 }, net: noSales }, null, askedAt);
    // A tick replayed after a reconnect, for an order the snapshot read after the reconnect already has.
    expect(addPlacedOrder(state, order('1', { placedAt: askedAt - 1 }))).toBe(state);
    expect(addPlacedOrder(state, order('2', { placedAt: askedAt })).today.gross.orders).toBe(2);
  });

  it('rounds the average order value to the minor unit and is zero without orders', () => {
    expect(averageOrderValue({ orders: 3, revenue: 1_000, units: 3 })).toBe(333);
    expect(averageOrderValue(noSales)).toBe(0);
  });

  it('compares gross and net with yesterday at the same time, with no figure where yesterday had nothing', () => {
    const state = salesTodayFromSnapshot(
      dayStart,
      'USD',
      { gross: { orders: 12, revenue: 36_000, units: 30 }, net: { orders: 6, revenue: 12_000, units: 10 } },
      { gross: { orders: 10, revenue: 40_000, units: 0 }, net: noSales },
      readAt,
    );
    expect(changeAgainstYesterday(state)).toEqual({
      gross: { orders: 0.2, revenue: -0.1, units: null, averageOrderValue: -0.25 },
      net: { orders: null, revenue: null, units: null, averageOrderValue: null },
    });
    expect(changeAgainstYesterday(salesTodayFromSnapshot(dayStart, 'USD', noDaySales, null, readAt)).gross.orders).toBeNull();
  });
});
