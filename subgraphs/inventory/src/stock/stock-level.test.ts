import { describe, expect, it } from 'vitest';
import { noStock, stockStatusOf } from './stock-level';

describe('stockStatusOf', () => {
  it.each([
    [0, 10, 'OUT_OF_STOCK'],
    [1, 10, 'LOW_STOCK'],
    [10, 10, 'LOW_STOCK'],
    [11, 10, 'IN_STOCK'],
    [0, 0, 'OUT_OF_STOCK'],
    [1, 0, 'IN_STOCK'],
  ] as const)('calls %i available with threshold %i %s', (available, threshold, status) => {
    expect(stockStatusOf(available, threshold)).toBe(status);
  });

  it('treats a product never stocked as out of stock', () => {
    const stock = noStock(7);
    expect(stock).toMatchObject({ productId: 7, onHand: 0, reserved: 0, available: 0 });
    expect(stockStatusOf(stock.available, stock.lowStockThreshold)).toBe('OUT_OF_STOCK');
  });
});
