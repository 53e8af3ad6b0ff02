import { describe, expect, it } from 'vitest';
import { mergeLines } from './merge-lines';

const limits = { maxLineQuantity: 100, maxLines: 3 };

describe('merging a guest cart into a customer cart', () => {
  it('adds up the units of a product both hold, capped at the line limit', () => {
    expect(
      mergeLines(
        [
          { productId: 1, variantId: 1, quantity: 2 },
          { productId: 2, variantId: 2, quantity: 90 },
        ],
        [
          { productId: 1, variantId: 1, quantity: 3 },
          { productId: 2, variantId: 2, quantity: 30 },
        ],
        limits,
      ),
    ).toEqual({
      updates: [
        { productId: 1, variantId: 1, quantity: 5 },
        { productId: 2, variantId: 2, quantity: 100 },
      ],
      inserts: [],
    });
  });

  it('leaves a full line alone and appends new products while the cart has room, dropping the rest', () => {
    expect(
      mergeLines(
        [
          { productId: 1, variantId: 1, quantity: 100 },
          { productId: 2, variantId: 2, quantity: 1 },
        ],
        [
          { productId: 1, variantId: 1, quantity: 4 },
          { productId: 7, variantId: 7, quantity: 2 },
          { productId: 8, variantId: 8, quantity: 5 },
        ],
        limits,
      ),
    ).toEqual({ updates: [], inserts: [{ productId: 7, variantId: 7, quantity: 2 }] });
  });

  it('keeps two variants of one product apart', () => {
    expect(mergeLines([{ productId: 1, variantId: 1, quantity: 2 }], [{ productId: 1, variantId: 1_000_000_000_001, quantity: 3 }], limits)).toEqual({
      updates: [],
      inserts: [{ productId: 1, variantId: 1_000_000_000_001, quantity: 3 }],
    });
  });

  it('copies a guest cart into an empty customer cart as it is', () => {
    const guest = [
      { productId: 4, variantId: 4, quantity: 1 },
      { productId: 3, variantId: 3, quantity: 2 },
    ];
    expect(mergeLines([], guest, limits)).toEqual({ updates: [], inserts: guest });
  });
});
