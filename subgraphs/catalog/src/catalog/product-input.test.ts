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
      sku: 'MUG-BLUE.1',
      name: 'Blue Mug',
      description: '',
      priceAmount: 1299,
      currency: 'USD',
      categoryId: 4,
      active: true,
    });
  });

  it('accepts a free product and another ISO currency', () => {
    expect(parseCreateProduct({ ...valid, price: 0, currency: 'eur' })).toMatchObject({ priceAmount: 0, currency: 'EUR' });
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
  ])('refuses %j naming %s', (change, argument) => {
    expect(refusal(() => parseCreateProduct({ ...valid, ...change }))).toMatch(new RegExp(`^${argument.replace('.', '\\.')}: `));
  });
});

describe('parseUpdateProduct', () => {
  it('changes only the fields given', () => {
    expect(parseUpdateProduct({ price: 999, active: false })).toEqual({ priceAmount: 999, active: false });
    expect(parseUpdateProduct({ name: ' New ', description: '', categoryId: '2', currency: 'gbp' })).toEqual({
      name: 'New',
      description: '',
      categoryId: 2,
      currency: 'GBP',
    });
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
