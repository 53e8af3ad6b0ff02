import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { toReserveRequest } from './reserve-request';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return (error as GraphQLError).message;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('toReserveRequest', () => {
  it('merges lines of the same product and orders them by product id', () => {
    const request = toReserveRequest({
      reference: 'order-1',
      lines: [
        { productId: '30', quantity: 1 },
        { productId: '4', quantity: 2 },
        { productId: '30', quantity: 5 },
      ],
    });
    expect(request).toEqual({
      reference: 'order-1',
      ttlSeconds: 900,
      lines: [
        { productId: 4, parentProductId: 4, quantity: 2 },
        { productId: 30, parentProductId: 30, quantity: 6 },
      ],
    });
  });

  it("keys lines by variant, the product's default variant when none is named, keeping each variant's product", () => {
    const request = toReserveRequest({
      reference: 'order-2',
      lines: [
        { productId: '7', variantId: '1000000000002', quantity: 1 },
        { productId: '7', quantity: 2 },
        { productId: '7', variantId: '1000000000002', quantity: 3 },
      ],
    });
    expect(request.lines).toEqual([
      { productId: 7, parentProductId: 7, quantity: 2 },
      { productId: 1_000_000_000_002, parentProductId: 7, quantity: 4 },
    ]);
  });

  it('names the line and field of a bad quantity or product id', () => {
    expect(
      messageOf(() =>
        toReserveRequest({
          reference: 'r',
          lines: [
            { productId: '1', quantity: 1 },
            { productId: '2', quantity: 0 },
          ],
        }),
      ),
    ).toMatch(/^input\.lines\[1\]\.quantity:/);
    expect(messageOf(() => toReserveRequest({ reference: 'r', lines: [{ productId: 'p-1', quantity: 1 }] }))).toMatch(/^input\.lines\[0\]\.productId:/);
  });

  it('refuses empty lines, blank references, bad ttls and merged totals over the maximum', () => {
    expect(messageOf(() => toReserveRequest({ reference: 'r', lines: [] }))).toMatch(/^input\.lines:/);
    expect(messageOf(() => toReserveRequest({ reference: ' ', lines: [{ productId: '1', quantity: 1 }] }))).toMatch(/^input\.reference:/);
    expect(messageOf(() => toReserveRequest({ reference: 'r', lines: [{ productId: '1', quantity: 1 }], ttlSeconds: 0 }))).toMatch(/^input\.ttlSeconds:/);
    const halves = [
      { productId: '1', quantity: 60_000 },
      { productId: '1', quantity: 60_000 },
    ];
    expect(messageOf(() => toReserveRequest({ reference: 'r', lines: halves }))).toMatch(/^input\.lines:/);
  });

  it('uses the given default ttl when none is asked for', () => {
    expect(toReserveRequest({ reference: 'r', lines: [{ productId: '1', quantity: 1 }] }, 60).ttlSeconds).toBe(60);
  });
});
