import { describe, expect, it } from 'vitest';
import { createSalesWindow } from './sales-window';

const t0 = Date.parse('2026-11-25T12:00:00Z');
const sale = (orderId: string, secondsAgo: number, amount: number, units = 1) => ({
  orderId,
  at: t0 - secondsAgo * 1000,
  total: { amount, currency: 'USD' },
  units,
});

describe('the rolling sales window', () => {
  it('sums orders, revenue and units in the trailing window only', () => {
    const window = createSalesWindow('USD');
    window.add(sale('a', 400, 1_000));
    window.add(sale('b', 100, 2_000, 2));
    window.add(sale('c', 10, 3_001, 3));
    const stats = window.stats(300, t0);
    expect(stats).toMatchObject({ orders: 2, revenue: { amount: 5_001 }, units: 5, averageOrderValue: { amount: 2_501 }, ordersPerMinute: 0.4 });
  });

  it('takes a cancelled order out, even when the cancellation arrives first', () => {
    const window = createSalesWindow('USD');
    window.add(sale('a', 5, 1_000));
    window.cancel('a');
    window.cancel('b');
    window.add(sale('b', 4, 1_000));
    expect(window.stats(60, t0).orders).toBe(0);
  });

  it('reports zero average order value for an empty window', () => {
    expect(createSalesWindow('USD').stats(60, t0)).toMatchObject({ orders: 0, averageOrderValue: { amount: 0, currency: 'USD' } });
  });

  it('forgets sales older than its longest window', () => {
    const window = createSalesWindow('USD', 60);
    window.add(sale('old', 120, 1));
    window.add(sale('new', 1, 1));
    window.stats(60, t0);
    expect(window.size).toBe(1);
  });

  it('keeps out-of-order arrivals sorted', () => {
    const window = createSalesWindow('USD');
    window.add(sale('late', 2, 100));
    window.add(sale('early', 50, 100));
    expect(window.stats(10, t0).orders).toBe(1);
  });
});
