import { describe, expect, it } from 'vitest';
import { liveFieldSpecs } from './live-fields';

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

describe('inventory alerts', () => {
  const spec = liveFieldSpecs.get('inventoryAlerts')!;
  const stockChanged = (previousAvailable: number, available: number) => ({
    id: `e-${available}`,
    type: 'StockChanged' as const,
    aggregateType: 'Stock',
    aggregateId: '9',
    occurredAt: '2026-11-25T10:00:00.000Z',
    payload: {
      productId: '9',
      available,
      previousAvailable,
      onHand: available,
      reserved: 0,
      lowStockThreshold: 10,
      status: available === 0 ? 'OUT_OF_STOCK' : available <= 10 ? 'LOW_STOCK' : 'IN_STOCK',
      previousStatus: previousAvailable === 0 ? 'OUT_OF_STOCK' : previousAvailable <= 10 ? 'LOW_STOCK' : 'IN_STOCK',
      movement: 'SALE',
    },
  });

  it('carry the product to resolve and the alert itself', () => {
    expect(spec.toUpdate(stockChanged(11, 0), {})).toMatchObject({ entityId: '9', fields: { kind: 'OUT_OF_STOCK', available: 0, threshold: 10 } });
  });

  it('stay silent for changes that cross no line', () => {
    expect(spec.toUpdate(stockChanged(50, 40), {})).toBeNull();
  });
});
