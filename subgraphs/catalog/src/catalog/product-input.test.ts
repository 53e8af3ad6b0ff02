import { describe, expect, it } from 'vitest';
import { parseCreateProduct, parseUpdateProduct } from './product-input';

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    const graphql = error as { message: string; extensions?: { code?: string } };
    expect(graphql.extensions?.code).toBe('BAD_USER_INPUT');
    return graphql.message;
  }
  return undefined;
}

const valid = { sku: ' mug-blue.1 ', name: ' Blue Mug ', price: 1299, categoryId: '4' };

describe('parseCreateProduct', () => {
  it('normalizes the SKU to upper case, trims text and fills the defaults', () => {
    expect(parseCreateProduct(valid)).toEqual({
      row: {
        sku: 'MUG-BLUE.1',
        name: 'Blue Mug',
        description: '',
        priceAmount: 1299,
        currency: 'USD',
        categoryId: 4,
        active: true,
        compareAtAmount: null,
      },
      handle: null,
      images: [],
    });
  });

  it('lower-cases a given handle and numbers the images by their place in the list', () => {
    const parsed = parseCreateProduct({
      ...valid,
      handle: ' Blue-Mug ',
      compareAtPrice: 1599,
      images: [{ url: 'https://cdn.example.com/mug.jpg', altText: ' A blue mug ' }, { url: 'http://cdn.example.com/mug-2.jpg' }],
    });
    expect(parsed.handle).toBe('blue-mug');
    expect(parsed.row.compareAtAmount).toBe(1599);
    expect(parsed.images).toEqual([
      { position: 0, url: 'https://cdn.example.com/mug.jpg', altText: 'A blue mug' },
      { position: 1, url: 'http://cdn.example.com/mug-2.jpg', altText: '' },
    ]);
  });

  it('accepts a free product and another ISO currency', () => {
    expect(parseCreateProduct({ ...valid, price: 0, currency: 'eur' })).toMatchObject({ row: { priceAmount: 0, currency: 'EUR' } });
  });

  it.each([
    [{ sku: '' }, 'input.sku'],
    [{ sku: 'has space' }, 'input.sku'],
    [{ sku: '-LEADING' }, 'input.sku'],
    [{ sku: 'X'.repeat(65) }, 'input.sku'],
    [{ name: '   ' }, 'input.name'],
    [{ name: 'n'.repeat(201) }, 'input.name'],
    [{ name: 'Blue\u0000Mug' }, 'input.name'],
    [{ description: 'd'.repeat(5001) }, 'input.description'],
    [{ price: -1 }, 'input.price'],
    [{ price: 12.5 }, 'input.price'],
    [{ currency: 'XXXX' }, 'input.currency'],
    [{ currency: 'ABC' }, 'input.currency'],
    [{ categoryId: 'kitchen' }, 'input.categoryId'],
    [{ handle: 'two  words' }, 'input.handle'],
    [{ handle: '-dash-first' }, 'input.handle'],
    [{ handle: 'h'.repeat(201) }, 'input.handle'],
    [{ compareAtPrice: 1299 }, 'input.compareAtPrice'],
    [{ compareAtPrice: 1000 }, 'input.compareAtPrice'],
    [{ images: [{ url: 'ftp://cdn.example.com/a.jpg' }] }, 'input.images.0.url'],
    [{ images: [{ url: 'https://ok.example.com/a.jpg' }, { url: '/relative.jpg' }] }, 'input.images.1.url'],
    [{ images: [{ url: 'https://ok.example.com/a.jpg', altText: 'a'.repeat(501) }] }, 'input.images.0.altText'],
    [{ images: Array.from({ length: 21 }, () => ({ url: 'https://ok.example.com/a.jpg' })) }, 'input.images'],
  ])('refuses %j naming %s', (change, argument) => {
    expect(refusal(() => parseCreateProduct({ ...valid, ...change }))).toMatch(new RegExp(`^${argument.replaceAll('.', '\\.')}: `));
  });
});

describe('parseUpdateProduct', () => {
  it('changes only the fields given', () => {
    expect(parseUpdateProduct({ price: 999, active: false })).toEqual({ changes: { priceAmount: 999, active: false }, images: undefined });
    expect(parseUpdateProduct({ name: ' New ', description: '', categoryId: '2', currency: 'gbp' }).changes).toEqual({
      name: 'New',
      description: '',
      categoryId: 2,
      currency: 'GBP',
    });
  });

  it('takes a product off sale with a null compare-at price, and clears its images with []', () => {
    expect(parseUpdateProduct({ compareAtPrice: null })).toEqual({ changes: { compareAtAmount: null }, images: undefined });
    expect(parseUpdateProduct({ images: [] })).toEqual({ changes: {}, images: [] });
  });

  it('refuses an update that changes nothing, naming input', () => {
    expect(refusal(() => parseUpdateProduct({}))).toMatch(/^input: /);
  });

  it.each([
    [{ price: -100 }, 'input.price'],
    [{ name: null }, 'input.name'],
    [{ active: null }, 'input.active'],
    [{ name: '' }, 'input.name'],
    [{ name: 'Two\nlines' }, 'input.name'],
  ])('refuses %j naming %s', (input, argument) => {
    expect(refusal(() => parseUpdateProduct(input))).toMatch(new RegExp(`^${argument.replace('.', '\\.')}: `));
  });
});
