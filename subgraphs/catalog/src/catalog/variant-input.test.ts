import { describe, expect, it } from 'vitest';
import { parseAddVariant, parseSelectedOptions, parseUpdateVariant } from './variant-input';

function failure(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('variant input', () => {
  it('trims option names and values and upper-cases the SKU', () => {
    expect(parseAddVariant({ productId: '4', sku: ' tee-m ', selectedOptions: [{ name: ' Size ', value: ' M ' }], price: 2_000 })).toEqual({
      productId: 4,
      sku: 'TEE-M',
      selectedOptions: [{ name: 'Size', value: 'M' }],
      priceAmount: 2_000,
      compareAtAmount: null,
      position: null,
    });
  });

  it('refuses more than three options, an option named twice and empty values, naming the field', () => {
    const size = { name: 'Size', value: 'M' };
    expect(
      failure(() => parseSelectedOptions('input.selectedOptions', [size, { name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }])),
    ).toBe('input.selectedOptions: a variant has at most 3 options');
    expect(failure(() => parseSelectedOptions('input.selectedOptions', [size, { name: 'size', value: 'L' }]))).toBe(
      'input.selectedOptions: names each option once',
    );
    expect(failure(() => parseSelectedOptions('input.selectedOptions', [{ name: 'Size', value: ' ' }]))).toBe(
      'input.selectedOptions[0].value: must be 1 to 100 characters',
    );
  });

  it('takes a null compare-at price off sale, refuses other nulls and an update changing nothing', () => {
    expect(parseUpdateVariant({ id: '9', compareAtPrice: null })).toEqual({ id: 9, changes: { compareAtAmount: null } });
    expect(failure(() => parseUpdateVariant({ id: '9', price: null }))).toBe('input.price: must not be null; leave it out to keep the current value');
    expect(failure(() => parseUpdateVariant({ id: '9' }))).toBe('input: must change at least one field');
    expect(failure(() => parseUpdateVariant({ id: 'x', price: 1 }))).toBe('input.id: no variant has this id');
    expect(failure(() => parseAddVariant({ productId: '1', sku: 'A', selectedOptions: [], price: 1, position: -1 }))).toBe(
      'input.position: must be 0 to 10000',
    );
  });
});
