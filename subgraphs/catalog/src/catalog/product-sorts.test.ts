import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@rtc/service-kit';
import type { ProductRow } from '../db/schema';
import { decodeProductCursor, productCursorKey } from './product-sorts';

const row: ProductRow = {
  id: 42,
  sku: 'MUG-1',
  handle: 'blue-mug',
  compareAtAmount: null,
  name: 'Blue Mug',
  description: '',
  priceAmount: 1299,
  currency: 'USD',
  active: true,
  categoryId: 1,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
};

const badInputMessage = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    const graphql = error as { message: string; extensions?: { code?: string } };
    return graphql.extensions?.code === 'BAD_USER_INPUT' ? graphql.message : `unexpected: ${graphql.message}`;
  }
  return undefined;
};

describe('product cursors', () => {
  it.each([
    ['NEWEST', new Date('2026-01-02T03:04:05.678Z')],
    ['PRICE_ASC', 1299],
    ['PRICE_DESC', 1299],
    ['NAME_ASC', 'Blue Mug'],
  ] as const)('round-trips the %s position of a row', (sort, key) => {
    const cursor = encodeCursor(productCursorKey(sort, row));
    expect(decodeProductCursor(cursor, sort)).toEqual({ key, id: 42 });
  });

  it('means the first page without a cursor', () => {
    expect(decodeProductCursor(undefined, 'NEWEST')).toBeNull();
    expect(decodeProductCursor(null, 'NAME_ASC')).toBeNull();
  });

  it('refuses a cursor of another sort, naming after', () => {
    const cursor = encodeCursor(productCursorKey('PRICE_ASC', row));
    expect(badInputMessage(() => decodeProductCursor(cursor, 'PRICE_DESC'))).toMatch(/^after: .*another sort/);
  });

  it.each([
    ['garbage', 'NEWEST', 'not base64 json at all'],
    ['wrong arity', 'NEWEST', encodeCursor(['NEWEST', 1])],
    ['a string where a price belongs', 'PRICE_ASC', encodeCursor(['PRICE_ASC', 'cheap', 1])],
    ['a negative id', 'PRICE_ASC', encodeCursor(['PRICE_ASC', 10, -1])],
    ['a fractional time', 'NEWEST', encodeCursor(['NEWEST', 1.5, 1])],
    ['a number where a name belongs', 'NAME_ASC', encodeCursor(['NAME_ASC', 3, 1])],
  ] as const)('refuses a malformed cursor (%s), naming after', (_case, sort, cursor) => {
    expect(badInputMessage(() => decodeProductCursor(cursor, sort))).toBe('after: malformed cursor');
  });
});
