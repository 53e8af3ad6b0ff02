import { describe, expect, it } from 'vitest';
import { addPlacedOrder, averageOrderValue, changeAgainstYesterday, noSales, salesTodayFromSnapshot } from './sales-today';

const dayStart = Date.UTC(2025, 0, 6, 23, 0, 0);
const order = (id: string, overrides: Partial<{ placedAt: number; total: number; currency: string; units: number }> = {}) => ({
  id,
  placedAt: dayStart + 3_600_000,
  total: 2_500,
  currency: 'USD',
  units: 2,
  ...overrides,
});

describe("today's sales", () => {
  it('adds each placed order of today to orders, revenue and units', () => {
    let state = salesTodayFromSnapshot(dayStart, 'USD', { orders: 4, revenue: 10_000, units: 9 }, null);
    state = addPlacedOrder(state, order('1'));
    state = addPlacedOrder(state, order('2', { total: 500, units: 1 }));
    expect(state.today).toEqual({ orders: 6, revenue: 13_000, units: 12 });
  });

  it('counts an order once when its tick arrives twice', () => {
    const state = salesTodayFromSnapshot(dayStart, 'USD', noSales, null);
    const once = addPlacedOrder(state, order('7'));
    expect(addPlacedOrder(once, order('7'))).toBe(once);
  });

  it('leaves out orders placed before midnight and orders in another currency', () => {
    const state = salesTodayFromSnapshot(dayStart, 'USD', noSales, null);
    expect(addPlacedOrder(state, order('1', { placedAt: dayStart - 1 }))).toBe(state);
    expect(addPlacedOrder(state, order('2', { currency: 'EUR' }))).toBe(state);
  });

  it('rounds the average order value to the minor unit and is zero without orders', () => {
    expect(averageOrderValue({ orders: 3, revenue: 1_000, units: 3 })).toBe(333);
    expect(averageOrderValue(noSales)).toBe(0);
  });

  it('compares with yesterday at the same time, with no figure where yesterday had nothing', () => {
    const state = salesTodayFromSnapshot(dayStart, 'USD', { orders: 12, revenue: 36_000, units: 30 }, { orders: 10, revenue: 40_000, units: 0 });
    expect(changeAgainstYesterday(state)).toEqual({ orders: 0.2, revenue: -0.1, units: null, averageOrderValue: -0.25 });
    expect(changeAgainstYesterday(salesTodayFromSnapshot(dayStart, 'USD', noSales, null)).orders).toBeNull();
  });
});
