import { describe, expect, it } from 'vitest';
import { addOrderLines, rankProducts, type ProductSales } from './top-products';

const product = (productId: string, units: number, revenue = units * 100): ProductSales => ({ productId, name: `P${productId}`, units, revenue, orders: 1 });

describe('top products', () => {
  it('ranks by units, then revenue, then id like the API', () => {
    const ranked = rankProducts([product('3', 5), product('10', 5), product('2', 5, 900), product('1', 9)]);
    expect(ranked.map((p) => p.productId)).toEqual(['1', '2', '3', '10']);
  });

  it('counts a placed order into the ranking, adding products it had not seen', () => {
    const ranked = addOrderLines(
      [product('1', 3), product('2', 2)],
      [
        { productId: '2', name: 'P2', quantity: 2, lineTotal: 400 },
        { productId: '9', name: 'New', quantity: 1, lineTotal: 50 },
      ],
    );
    expect(ranked.map((p) => [p.productId, p.units, p.orders])).toEqual([
      ['2', 4, 2],
      ['1', 3, 1],
      ['9', 1, 1],
    ]);
  });

  it('counts one order of a product even when the order names it on two lines', () => {
    const [only] = addOrderLines(
      [],
      [
        { productId: '5', name: 'P5', quantity: 1, lineTotal: 100 },
        { productId: '5', name: 'P5', quantity: 2, lineTotal: 200 },
      ],
    );
    expect(only).toMatchObject({ units: 3, revenue: 300, orders: 1 });
  });
});
