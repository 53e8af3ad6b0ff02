import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@rtc/service-kit';
import { inventoryAlertFrom, inventoryAlertKind } from './alerts';
import { stockChangedEvent } from './stock-changed';
import type { StockFigures } from './stock-level';

const figures = (available: number, lowStockThreshold = 5, reserved = 0): StockFigures => ({
  productId: 42,
  onHand: available + reserved,
  reserved,
  available,
  lowStockThreshold,
});

function eventOf(before: StockFigures, after: StockFigures): DomainEvent {
  const event = stockChangedEvent(before, after, 'RESERVATION');
  return { ...event, id: 'e1', occurredAt: '2026-11-25T18:00:00.000Z' };
}

describe('inventoryAlertKind', () => {
  it.each([
    ['IN_STOCK', 'LOW_STOCK', 'LOW_STOCK'],
    ['IN_STOCK', 'OUT_OF_STOCK', 'OUT_OF_STOCK'],
    ['LOW_STOCK', 'OUT_OF_STOCK', 'OUT_OF_STOCK'],
    ['OUT_OF_STOCK', 'LOW_STOCK', 'BACK_IN_STOCK'],
    ['OUT_OF_STOCK', 'IN_STOCK', 'BACK_IN_STOCK'],
    ['LOW_STOCK', 'IN_STOCK', null],
    ['LOW_STOCK', 'LOW_STOCK', null],
    ['IN_STOCK', 'IN_STOCK', null],
    ['OUT_OF_STOCK', 'OUT_OF_STOCK', null],
  ] as const)('from %s to %s raises %s', (previous, current, kind) => {
    expect(inventoryAlertKind(previous, current)).toBe(kind);
  });
});

describe('inventoryAlertFrom', () => {
  it('raises LOW_STOCK when a sale takes available stock to the threshold', () => {
    expect(inventoryAlertFrom(eventOf(figures(6), figures(5, 5, 1)))).toEqual({
      productId: '42',
      variantId: '42',
      kind: 'LOW_STOCK',
      available: 5,
      threshold: 5,
      at: new Date('2026-11-25T18:00:00.000Z'),
    });
  });

  it('raises OUT_OF_STOCK when the last unit goes', () => {
    expect(inventoryAlertFrom(eventOf(figures(1), figures(0, 5, 1)))?.kind).toBe('OUT_OF_STOCK');
  });

  it('raises BACK_IN_STOCK when a sold-out product is restocked', () => {
    expect(inventoryAlertFrom(eventOf(figures(0), figures(20)))?.kind).toBe('BACK_IN_STOCK');
  });

  it('raises LOW_STOCK when a higher threshold puts unchanged stock under it', () => {
    expect(inventoryAlertFrom(eventOf(figures(8, 5), figures(8, 10)))?.kind).toBe('LOW_STOCK');
  });

  it('stays quiet while stock moves within the low band', () => {
    expect(inventoryAlertFrom(eventOf(figures(4), figures(3)))).toBeNull();
  });

  it('ignores other events and malformed payloads', () => {
    const other: DomainEvent = { id: 'e2', type: 'OrderPlaced', aggregateType: 'Order', aggregateId: '1', occurredAt: '2026-11-25T18:00:00.000Z', payload: {} };
    expect(inventoryAlertFrom(other)).toBeNull();
    expect(inventoryAlertFrom({ ...other, type: 'StockChanged', payload: { productId: 1 } })).toBeNull();
  });
});
