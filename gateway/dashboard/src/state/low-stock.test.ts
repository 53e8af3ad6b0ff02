import { describe, expect, it } from 'vitest';
import { applyInventoryAlert, rememberAlert, type InventoryAlert, type LowStockItem } from './low-stock';

const item = (productId: string, available: number, threshold = 5): LowStockItem => ({
  productId,
  name: `P${productId}`,
  available,
  threshold,
  status: available === 0 ? 'OUT_OF_STOCK' : 'LOW_STOCK',
});
const alert = (productId: string, kind: InventoryAlert['kind'], available: number, threshold = 5): InventoryAlert => ({
  kind,
  productId,
  name: `P${productId}`,
  available,
  threshold,
  at: 0,
});

describe('low-stock list', () => {
  it('takes in a product that ran low, keeping fewest available first', () => {
    const list = applyInventoryAlert([item('1', 1), item('2', 4)], alert('3', 'LOW_STOCK', 3));
    expect(list.map((i) => i.productId)).toEqual(['1', '3', '2']);
  });

  it('marks a listed product that sold out', () => {
    const [first] = applyInventoryAlert([item('1', 2), item('2', 1)], alert('1', 'OUT_OF_STOCK', 0));
    expect(first).toMatchObject({ productId: '1', available: 0, status: 'OUT_OF_STOCK' });
  });

  it('drops a product restocked over its threshold, keeps one restocked only to low', () => {
    expect(applyInventoryAlert([item('1', 0)], alert('1', 'BACK_IN_STOCK', 50))).toEqual([]);
    expect(applyInventoryAlert([item('1', 0)], alert('1', 'BACK_IN_STOCK', 2))).toEqual([{ ...item('1', 2), status: 'LOW_STOCK' }]);
  });
});

describe('recent alerts', () => {
  it('keeps the newest first and forgets the oldest', () => {
    let alerts: InventoryAlert[] = [];
    for (let n = 1; n <= 4; n++) alerts = rememberAlert(alerts, alert(String(n), 'LOW_STOCK', 1), 3);
    expect(alerts.map((a) => a.productId)).toEqual(['4', '3', '2']);
  });
});
