import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@rtc/service-kit';
import { parseProductListing, type ProductListingArgs } from './product-listing-args';

function refusal(args: ProductListingArgs): string | undefined {
  try {
    parseProductListing(args);
  } catch (error) {
    const graphql = error as { message: string; extensions?: { code?: string } };
    expect(graphql.extensions?.code).toBe('BAD_USER_INPUT');
    return graphql.message;
  }
  return undefined;
}

describe('parseProductListing', () => {
  it('defaults to 20 newest active products of any category', () => {
    expect(parseProductListing({})).toEqual({
      size: 20,
      sort: 'NEWEST',
      after: null,
      categoryId: null,
      search: null,
      minPrice: null,
      maxPrice: null,
      activeOnly: true,
      onSale: null,
      salesWindowEnd: null,
    });
  });

  it('falls back to NEWEST, with its cursors, when RELEVANCE has no search to rank', () => {
    expect(parseProductListing({ sort: 'RELEVANCE' }).sort).toBe('NEWEST');
    expect(parseProductListing({ sort: 'RELEVANCE', filter: { search: '  ' } }).sort).toBe('NEWEST');
    expect(parseProductListing({ sort: 'RELEVANCE', filter: { search: 'lamp' } }).sort).toBe('RELEVANCE');
    expect(refusal({ sort: 'RELEVANCE', after: encodeCursor(['RELEVANCE', 100, 7]) })).toMatch(/^after: .*another sort/);
  });

  it('ranks BEST_SELLING over the window ending at the last whole minute but one, and keeps the window of its cursor', () => {
    const now = new Date('2026-03-01T12:34:56.789Z');
    expect(parseProductListing({ sort: 'BEST_SELLING' }, now).salesWindowEnd).toEqual(new Date('2026-03-01T12:33:00.000Z'));
    const windowEnd = Date.parse('2026-02-01T00:00:00.000Z');
    const later = parseProductListing({ sort: 'BEST_SELLING', after: encodeCursor(['BEST_SELLING', `${windowEnd}:12`, 9]) }, now);
    expect(later.salesWindowEnd).toEqual(new Date(windowEnd));
    expect(later.after).toEqual({ key: { windowEnd: new Date(windowEnd), units: 12 }, id: 9 });
    expect(refusal({ sort: 'BEST_SELLING', after: encodeCursor(['BEST_SELLING', 12, 9]) })).toBe('after: malformed cursor');
  });

  it('reads every filter', () => {
    const listing = parseProductListing({
      first: 5,
      sort: 'PRICE_DESC',
      after: encodeCursor(['PRICE_DESC', 900, 7]),
      filter: { categoryId: '3', search: 'lamp', minPrice: 100, maxPrice: 900, activeOnly: false },
    });
    expect(listing).toMatchObject({
      size: 5,
      sort: 'PRICE_DESC',
      after: { key: 900, id: 7 },
      categoryId: 3,
      search: { kind: 'words', booleanQuery: '+lamp*' },
      minPrice: 100,
      maxPrice: 900,
      activeOnly: false,
    });
  });

  it('treats an explicit null activeOnly as the default', () => {
    expect(parseProductListing({ filter: { activeOnly: null } }).activeOnly).toBe(true);
  });

  it('lets a malformed category id match nothing instead of failing', () => {
    expect(parseProductListing({ filter: { categoryId: 'kitchen' } }).categoryId).toBe('none');
  });

  it.each([
    [{ first: -1 }, /^first: /],
    [{ first: 101 }, /^first: must be at most 100/],
    [{ after: '%%%' }, /^after: malformed cursor/],
    [{ filter: { minPrice: -1 } }, /^filter\.minPrice: must not be negative/],
    [{ filter: { maxPrice: -5 } }, /^filter\.maxPrice: must not be negative/],
    [{ filter: { minPrice: 500, maxPrice: 100 } }, /^filter\.minPrice: must not be greater than filter\.maxPrice/],
    [{ filter: { search: 'x'.repeat(201) } }, /^filter\.search: /],
  ] as [ProductListingArgs, RegExp][])('refuses %j naming the argument', (args, message) => {
    expect(refusal(args)).toMatch(message);
  });

  it('accepts an equal minimum and maximum price', () => {
    expect(refusal({ filter: { minPrice: 500, maxPrice: 500 } })).toBeUndefined();
  });
});
