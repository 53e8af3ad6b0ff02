import { describe, expect, it } from 'vitest';
import { normalizeLines, validateIdempotencyKey } from './order-input';

function failure(run: () => unknown): [string | undefined, string] | null {
  try {
    run();
    return null;
  } catch (error) {
    return [(error as { extensions?: { code?: string } }).extensions?.code, (error as Error).message];
  }
}

describe('order lines', () => {
  it('merges lines of one product in first-seen order', () => {
    expect(
      normalizeLines([
        { productId: '7', quantity: 2 },
        { productId: '3', quantity: 1 },
        { productId: '7', quantity: 5 },
      ]),
    ).toEqual([
      { productId: 7, variantId: 7, quantity: 7 },
      { productId: 3, variantId: 3, quantity: 1 },
    ]);
  });

  it("merges lines per variant, the product's default variant when none is named, and refuses a variant under two products", () => {
    expect(
      normalizeLines([
        { productId: '7', variantId: '1000000000001', quantity: 2 },
        { productId: '7', quantity: 1 },
        { productId: '7', variantId: '1000000000001', quantity: 3 },
        { productId: '7', variantId: '7', quantity: 1 },
      ]),
    ).toEqual([
      { productId: 7, variantId: 1_000_000_000_001, quantity: 5 },
      { productId: 7, variantId: 7, quantity: 2 },
    ]);
    expect(failure(() => normalizeLines([{ productId: '7', variantId: 'x', quantity: 1 }]))).toEqual([
      'BAD_USER_INPUT',
      'input.lines[0].variantId: unknown variant "x"',
    ]);
    expect(
      failure(() =>
        normalizeLines([
          { productId: '7', variantId: '1000000000001', quantity: 1 },
          { productId: '8', variantId: '1000000000001', quantity: 1 },
        ]),
      ),
    ).toEqual(['BAD_USER_INPUT', 'input.lines[1].variantId: variant 1000000000001 is not a variant of product 8']);
  });

  it('accepts 1 and 100 units and exactly 50 lines', () => {
    expect(
      normalizeLines([
        { productId: '1', quantity: 1 },
        { productId: '2', quantity: 100 },
      ]),
    ).toHaveLength(2);
    expect(normalizeLines(Array.from({ length: 50 }, (_, i) => ({ productId: String(i + 1), quantity: 1 })))).toHaveLength(50);
  });

  it.each([
    [[{ productId: '1', quantity: 0 }], 'input.lines[0].quantity: must be between 1 and 100'],
    [
      [
        { productId: '1', quantity: 1 },
        { productId: '2', quantity: -1 },
      ],
      'input.lines[1].quantity: must be between 1 and 100',
    ],
    [[{ productId: '1', quantity: 101 }], 'input.lines[0].quantity: must be between 1 and 100'],
    [[{ productId: '1', quantity: 1.5 }], 'input.lines[0].quantity: must be between 1 and 100'],
    [
      [
        { productId: '1', quantity: 70 },
        { productId: '1', quantity: 31 },
      ],
      'input.lines: product 1 adds up to 101 units, at most 100',
    ],
    [[{ productId: 'abc', quantity: 1 }], 'input.lines[0].productId: unknown product "abc"'],
    [[{ productId: '-4', quantity: 1 }], 'input.lines[0].productId: unknown product "-4"'],
    [[], 'input.lines: an order needs at least one line'],
    [Array.from({ length: 51 }, (_, i) => ({ productId: String(i + 1), quantity: 1 })), 'input.lines: an order has at most 50 lines'],
  ])('refuses %j', (lines, message) => {
    expect(failure(() => normalizeLines(lines))).toEqual(['BAD_USER_INPUT', message]);
  });
});

describe('idempotency keys', () => {
  it('takes 1 to 64 characters that are not all blank', () => {
    expect(validateIdempotencyKey('k'.repeat(64))).toBe('k'.repeat(64));
    expect(failure(() => validateIdempotencyKey(''))).toEqual(['BAD_USER_INPUT', 'input.idempotencyKey: must not be empty']);
    expect(failure(() => validateIdempotencyKey('   '))).toEqual(['BAD_USER_INPUT', 'input.idempotencyKey: must not be empty']);
    expect(failure(() => validateIdempotencyKey('k'.repeat(65)))).toEqual(['BAD_USER_INPUT', 'input.idempotencyKey: must be at most 64 characters']);
  });
});
