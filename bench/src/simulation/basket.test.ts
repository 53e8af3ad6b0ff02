import { describe, expect, it } from 'vitest';
import { createBasketMaker } from './basket';
import { createRandom } from './random';
import { createWeightedPicker, zipfWeights } from './weighted';

const products = Array.from({ length: 50 }, (_, index) => String(index + 1));

function maker(seed: number, catalog = products) {
  const random = createRandom(seed);
  const pick = createWeightedPicker(zipfWeights(catalog.length), random);
  return createBasketMaker(random, () => catalog[pick()]!, catalog.length);
}

describe('baskets', () => {
  it('hold one to five different products of one to three units', () => {
    const make = maker(1);
    const sizes = new Set<number>();
    for (let n = 0; n < 2_000; n++) {
      const basket = make();
      sizes.add(basket.length);
      expect(new Set(basket.map((line) => line.productId)).size).toBe(basket.length);
      for (const line of basket) expect([1, 2, 3]).toContain(line.quantity);
    }
    expect([...sizes].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('are mostly small', () => {
    const make = maker(2);
    let small = 0;
    for (let n = 0; n < 5_000; n++) if (make().length <= 2) small++;
    expect(small / 5_000).toBeGreaterThan(0.6);
  });

  it('favour the popular products', () => {
    const make = maker(3);
    const counts = new Map<string, number>();
    for (let n = 0; n < 5_000; n++) for (const line of make()) counts.set(line.productId, (counts.get(line.productId) ?? 0) + 1);
    expect(counts.get('1')!).toBeGreaterThan(3 * (counts.get('20') ?? 0));
  });

  it('never ask for more products than the catalog has', () => {
    const make = maker(4, ['a', 'b']);
    for (let n = 0; n < 500; n++) expect(make().length).toBeLessThanOrEqual(2);
  });
});
