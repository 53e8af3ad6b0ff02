import { describe, expect, it } from 'vitest';
import { createSalesWindow, rollingSalesStats, validateWindowSeconds, type SaleEvent } from './rolling-stats';

const now = Date.parse('2026-05-01T12:00:00Z');
const sale = (orderId: string, secondsAgo: number, amount: number, units = 1, currency = 'USD'): SaleEvent => ({
  orderId,
  placedAt: now - secondsAgo * 1000,
  amount,
  currency,
  units,
});

describe('rolling sales statistics', () => {
  it('sums the orders of the trailing window only', () => {
    const stats = rollingSalesStats([sale('1', 10, 1000, 2), sale('2', 299, 500, 1), sale('3', 300, 9999, 9), sale('4', 900, 1, 1)], {
      now,
      windowSeconds: 300,
      currency: 'USD',
    });
    expect(stats).toEqual({
      windowSeconds: 300,
      gross: { orders: 2, revenue: { amount: 1500, currency: 'USD' }, units: 3, averageOrderValue: { amount: 750, currency: 'USD' } },
      net: { orders: 0, revenue: { amount: 0, currency: 'USD' }, units: 0, averageOrderValue: { amount: 0, currency: 'USD' } },
      orders: 2,
      revenue: { amount: 1500, currency: 'USD' },
      units: 3,
      averageOrderValue: { amount: 750, currency: 'USD' },
      ordersPerMinute: 0.4,
      at: new Date(now),
    });
  });

  it('leaves other currencies out', () => {
    const stats = rollingSalesStats([sale('1', 5, 1000), sale('2', 5, 700, 1, 'EUR')], { now, windowSeconds: 60, currency: 'EUR' });
    expect([stats.orders, stats.revenue.amount]).toEqual([1, 700]);
  });

  it('counts an order stamped a moment after now as just placed', () => {
    expect(rollingSalesStats([sale('1', -1, 100)], { now, windowSeconds: 60, currency: 'USD' }).orders).toBe(1);
  });

  it('reports zeros, not NaN, for an empty window', () => {
    const stats = rollingSalesStats([], { now, windowSeconds: 60, currency: 'USD' });
    expect([stats.orders, stats.averageOrderValue.amount, stats.ordersPerMinute]).toEqual([0, 0, 0]);
  });

  it('rounds the average order value to the minor unit', () => {
    const stats = rollingSalesStats([sale('1', 1, 100), sale('2', 1, 100), sale('3', 1, 101)], { now, windowSeconds: 60, currency: 'USD' });
    expect(stats.averageOrderValue.amount).toBe(100);
  });

  it('accepts windows of 10 to 3600 seconds', () => {
    expect(validateWindowSeconds(10)).toBe(10);
    expect(validateWindowSeconds(3600)).toBe(3600);
    for (const bad of [9, 3601, 1.5]) expect(() => validateWindowSeconds(bad)).toThrow('windowSeconds: must be between 10 and 3600');
  });
});

describe('sales window', () => {
  it('counts a duplicated event once and drops cancelled orders', () => {
    const window = createSalesWindow();
    window.add(sale('1', 5, 1000));
    window.add(sale('1', 5, 1000));
    window.add(sale('2', 5, 300));
    window.cancel('2', now);
    expect(window.stats({ now, windowSeconds: 60, currency: 'USD' }).orders).toBe(1);
  });

  it('counts an OrderPlaced that arrives after its cancellation in gross alone', () => {
    const window = createSalesWindow();
    window.cancel('7', now);
    window.add(sale('7', 1, 500));
    window.pay('7');
    const stats = window.stats({ now, windowSeconds: 60, currency: 'USD' });
    expect([stats.orders, stats.gross.orders, stats.gross.revenue.amount, stats.net.orders]).toEqual([0, 1, 500, 0]);
  });

  it('moves a paid order into net and a cancelled one out of net, leaving gross as placed', () => {
    const window = createSalesWindow();
    window.add(sale('1', 5, 1000, 2));
    window.add(sale('2', 5, 300, 1));
    window.add(sale('3', 5, 200, 4));
    window.pay('1');
    window.pay('1');
    window.pay('2');
    window.cancel('2', now);
    window.cancel('3', now);
    const stats = window.stats({ now, windowSeconds: 60, currency: 'USD' });
    expect(stats.gross).toMatchObject({ orders: 3, revenue: { amount: 1500 }, units: 7 });
    expect(stats.net).toMatchObject({ orders: 1, revenue: { amount: 1000 }, units: 2, averageOrderValue: { amount: 1000 } });
    expect([stats.orders, stats.revenue.amount]).toEqual([1, 1000]);
  });

  it('forgets orders older than it retains', () => {
    const window = createSalesWindow({ retainSeconds: 60 });
    window.add(sale('old', 61, 100));
    window.add(sale('new', 59, 100));
    expect(window.prune(now)).toBe(1);
    expect(window.stats({ now, windowSeconds: 3600, currency: 'USD' }).orders).toBe(1);
  });
});

describe('history read back by the minute', () => {
  it('counts an aggregated event as the orders it stands for', () => {
    const stats = rollingSalesStats(
      [
        { orderId: 'minute:1', placedAt: 1_000_000, amount: 10_000, currency: 'USD', units: 12, orders: 4 },
        { orderId: 'a', placedAt: 1_030_000, amount: 500, currency: 'USD', units: 1 },
      ],
      { now: 1_060_000, windowSeconds: 300, currency: 'USD' },
    );
    expect(stats).toMatchObject({ orders: 5, revenue: { amount: 10_500 }, units: 13, averageOrderValue: { amount: 2_100 } });
  });

  it('takes a minute’s gross and net figures as read back', () => {
    const stats = rollingSalesStats(
      [
        {
          orderId: 'minute:1',
          placedAt: 1_000_000,
          amount: 10_000,
          currency: 'USD',
          units: 12,
          orders: 4,
          gross: { orders: 5, amount: 12_000, units: 15 },
          net: { orders: 3, amount: 7_500, units: 9 },
        },
      ],
      { now: 1_060_000, windowSeconds: 300, currency: 'USD' },
    );
    expect(stats.gross).toMatchObject({ orders: 5, revenue: { amount: 12_000 }, units: 15 });
    expect(stats.net).toMatchObject({ orders: 3, revenue: { amount: 7_500 }, units: 9, averageOrderValue: { amount: 2_500 } });
  });
});
