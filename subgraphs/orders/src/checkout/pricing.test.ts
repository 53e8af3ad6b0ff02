import { describe, expect, it } from 'vitest';
import type { CatalogProduct } from '../clients/catalog';
import { maxOrderTotal, priceLines } from './pricing';

const product = (id: string, amount: number, currency = 'USD', active = true): CatalogProduct => ({
  id,
  productId: id,
  title: 'Default',
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  active,
  price: { amount, currency },
});

const catalog = new Map<string, CatalogProduct | null>([
  ['1', product('1', 1_250)],
  ['2', product('2', 99)],
  ['3', product('3', 500, 'USD', false)],
  ['4', product('4', 700, 'EUR')],
  ['5', null],
  ['6', product('6', 30_000_000)],
  ['7', product('7', 2 ** 52)],
  // Product 1's size L, dearer than its default variant.
  ['1000000000001', { ...product('1000000000001', 1_400), productId: '1', title: 'L' }],
]);

function failure(run: () => unknown) {
  try {
    run();
    return null;
  } catch (error) {
    const { code, productIds } = (error as { extensions: { code: string; productIds?: string[] } }).extensions;
    return { code, message: (error as Error).message, productIds };
  }
}

describe('pricing an order', () => {
  it('prices every line at the catalog price and totals the order', () => {
    expect(
      priceLines(
        [
          { productId: 1, variantId: 1, quantity: 3 },
          { productId: 2, variantId: 2, quantity: 2 },
        ],
        catalog,
      ),
    ).toEqual({
      currency: 'USD',
      totalAmount: 3_948,
      itemCount: 5,
      lines: [
        { productId: 1, variantId: 1, quantity: 3, unitAmount: 1_250, lineAmount: 3_750 },
        { productId: 2, variantId: 2, quantity: 2, unitAmount: 99, lineAmount: 198 },
      ],
    });
  });

  it('names every unknown or inactive product', () => {
    expect(
      failure(() =>
        priceLines(
          [
            { productId: 1, variantId: 1, quantity: 1 },
            { productId: 3, variantId: 3, quantity: 1 },
            { productId: 5, variantId: 5, quantity: 1 },
            { productId: 9, variantId: 9, quantity: 1 },
          ],
          catalog,
        ),
      ),
    ).toEqual({
      code: 'PRODUCT_UNAVAILABLE',
      message: 'input.lines: unknown or inactive products: 3, 5, 9',
      productIds: ['3', '5', '9'],
    });
  });

  it('prices a variant at its own price and refuses one named under another product, naming the variant', () => {
    expect(priceLines([{ productId: 1, variantId: 1_000_000_000_001, quantity: 2 }], catalog).lines).toEqual([
      { productId: 1, variantId: 1_000_000_000_001, quantity: 2, unitAmount: 1_400, lineAmount: 2_800 },
    ]);
    const wrong = failure(() => priceLines([{ productId: 2, variantId: 1_000_000_000_001, quantity: 1 }], catalog));
    expect(wrong).toMatchObject({ code: 'BAD_USER_INPUT', message: 'input.lines: not a variant of the product named beside it: 1000000000001 of 2' });
  });

  it('refuses an order mixing currencies', () => {
    expect(
      failure(() =>
        priceLines(
          [
            { productId: 1, variantId: 1, quantity: 1 },
            { productId: 4, variantId: 4, quantity: 1 },
          ],
          catalog,
        ),
      )?.message,
    ).toBe('input.lines: one order takes one currency; 4 are not priced in USD');
  });

  it('prices totals beyond 32 bits', () => {
    expect(priceLines([{ productId: 6, variantId: 6, quantity: 100 }], catalog).totalAmount).toBe(3_000_000_000);
  });

  it('refuses a total that Money cannot carry', () => {
    expect(priceLines([{ productId: 7, variantId: 7, quantity: 1 }], catalog).totalAmount).toBeLessThanOrEqual(maxOrderTotal);
    expect(failure(() => priceLines([{ productId: 7, variantId: 7, quantity: 2 }], catalog))?.message).toBe(
      `input.lines: the order total may be at most ${maxOrderTotal} minor units`,
    );
  });

  it('names the argument it was given', () => {
    expect(failure(() => priceLines([{ productId: 5, variantId: 5, quantity: 1 }], catalog, 'input.fromCart'))?.message).toMatch(/^input\.fromCart:/);
  });
});
