import { describe, expect, it } from 'vitest';
import { figuresBefore, stockChangedEvent, stockChangedPayload } from './stock-changed';

const after = { productId: 9, onHand: 10, reserved: 3, available: 7, lowStockThreshold: 7 };

describe('StockChanged events', () => {
  it('recovers the figures before a reservation, a sale and a restock', () => {
    expect(figuresBefore(after, 0, -3)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(figuresBefore(after, -2, 0)).toMatchObject({ onHand: 12, reserved: 5, available: 7 });
    expect(figuresBefore(after, 5, 5)).toMatchObject({ onHand: 5, reserved: 3, available: 2 });
  });

  it('carries both statuses so consumers can tell a threshold crossing without asking back', () => {
    const event = stockChangedEvent(figuresBefore(after, 0, -3), after, 'RESERVATION');
    expect(event).toMatchObject({ type: 'StockChanged', aggregateType: 'Stock', aggregateId: '9' });
    expect(event.payload).toEqual({
      productId: '9',
      variantId: '9',
      available: 7,
      onHand: 10,
      reserved: 3,
      lowStockThreshold: 7,
      previousAvailable: 10,
      status: 'LOW_STOCK',
      previousStatus: 'IN_STOCK',
      movement: 'RESERVATION',
    });
    expect(stockChangedPayload.parse(event.payload)).toEqual(event.payload);
  });
});
