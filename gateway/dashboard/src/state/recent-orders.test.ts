import { describe, expect, it } from 'vitest';
import { addRecentOrders, describeItems, type RecentOrder } from './recent-orders';

const order = (id: string, placedAt: number): RecentOrder => ({
  id,
  number: `RTC-${id}`,
  customer: 'Ada',
  items: 'Mug',
  itemCount: 1,
  total: 100,
  currency: 'USD',
  placedAt,
  paymentStatus: 'PENDING',
});

describe('latest orders feed', () => {
  it('takes the latest payment status of an order it shows, and never goes back to unpaid', () => {
    const paid = addRecentOrders([order('1', 10)], [{ ...order('1', 10), paymentStatus: 'PAID' }]);
    expect(paid.map((o) => o.paymentStatus)).toEqual(['PAID']);
    expect(addRecentOrders(paid, [order('1', 10)]).map((o) => o.paymentStatus)).toEqual(['PAID']);
    expect(addRecentOrders(paid, [{ ...order('1', 10), paymentStatus: 'REFUNDED' }]).map((o) => o.paymentStatus)).toEqual(['REFUNDED']);
  });

  it('shows the newest first and keeps one row per order', () => {
    const feed = addRecentOrders([order('1', 10), order('2', 20)], [order('3', 30), order('2', 20)]);
    expect(feed.map((o) => o.id)).toEqual(['3', '2', '1']);
  });

  it('keeps only the newest rows', () => {
    const feed = addRecentOrders([], [order('1', 1), order('2', 2), order('3', 3)], 2);
    expect(feed.map((o) => o.id)).toEqual(['3', '2']);
  });
});

describe('item description', () => {
  it('names the first lines with their quantities and counts the rest', () => {
    expect(
      describeItems([
        { name: 'Lamp', quantity: 2 },
        { name: 'Mug', quantity: 1 },
      ]),
    ).toBe('Lamp ×2, Mug');
    expect(
      describeItems([
        { name: 'A', quantity: 1 },
        { name: 'B', quantity: 1 },
        { name: 'C', quantity: 3 },
        { name: 'D', quantity: 1 },
      ]),
    ).toBe('A, B +2 more');
  });
});
