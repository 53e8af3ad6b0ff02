import { describe, expect, it } from 'vitest';
import { inventoryAlertOf, liveFieldSpecs } from './live-fields';

describe('inventory alerts', () => {
  it.each([
    [{ previousAvailable: 12, available: 9, lowStockThreshold: 10 }, 'LOW_STOCK'],
    [{ previousAvailable: 3, available: 0, lowStockThreshold: 10 }, 'OUT_OF_STOCK'],
    [{ previousAvailable: 0, available: 50, lowStockThreshold: 10 }, 'BACK_IN_STOCK'],
    [{ previousAvailable: 9, available: 8, lowStockThreshold: 10 }, null],
    [{ previousAvailable: 50, available: 40, lowStockThreshold: 10 }, null],
  ])('%j raises %s', (change, expected) => {
    expect(inventoryAlertOf({ productId: '1', ...change })).toBe(expected);
  });
});

describe('order status updates', () => {
  const spec = liveFieldSpecs.get('orderStatus')!;
  const event = {
    id: 'e1',
    type: 'OrderStatusChanged' as const,
    aggregateType: 'Order',
    aggregateId: '5',
    occurredAt: '2026-11-25T10:00:00.000Z',
    payload: { orderId: '5', status: 'PAID', previousStatus: 'PENDING' },
  };

  it('reach the subscriber of that order only', () => {
    expect(spec.toUpdate(event, { orderId: '5' })?.fields).toMatchObject({ status: 'PAID', previousStatus: 'PENDING' });
    expect(spec.toUpdate(event, { orderId: '6' })).toBeNull();
  });
});
