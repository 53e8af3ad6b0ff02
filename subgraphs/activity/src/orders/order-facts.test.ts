import { describe, expect, it } from 'vitest';
import { mergeOrderFacts, orderFactOf } from './order-facts';

const payload = (status?: string) => ({
  orderId: '12',
  userId: '7',
  total: { amount: 4_200, currency: 'USD' },
  units: 2,
  placedAt: '2026-03-10T12:00:00.000Z',
  lines: [],
  ...(status ? { status, previousStatus: 'PENDING' } : {}),
});

describe('order facts', () => {
  it('reads placed and changed orders and ignores other events', () => {
    expect(orderFactOf({ type: 'OrderPlaced', payload: payload() })).toEqual({
      orderId: 12,
      userId: 7,
      placedAt: new Date('2026-03-10T12:00:00.000Z'),
      totalAmount: 4_200,
      currency: 'USD',
      status: 'PENDING',
      paid: false,
    });
    expect(orderFactOf({ type: 'OrderStatusChanged', payload: payload('PAID') })).toMatchObject({ status: 'PAID', paid: true });
    expect(orderFactOf({ type: 'StockChanged', payload: payload() })).toBeNull();
    expect(orderFactOf({ type: 'OrderPlaced', payload: { orderId: 'x' } })).toBeNull();
  });

  it('keeps the latest status, never back to PENDING, and paid once paid', () => {
    const placed = orderFactOf({ type: 'OrderPlaced', payload: payload() })!;
    const paid = orderFactOf({ type: 'OrderStatusChanged', payload: payload('PAID') })!;
    const cancelled = orderFactOf({ type: 'OrderStatusChanged', payload: payload('CANCELLED') })!;
    expect(mergeOrderFacts([placed, paid, placed, cancelled])).toEqual([{ ...placed, status: 'CANCELLED', paid: true }]);
  });
});
