import { describe, expect, it } from 'vitest';
import { productOptions, sameOptionNames, sameOptionValues, variantTitle } from './variant-options';

const size = (value: string) => ({ name: 'Size', value });
const colour = (value: string) => ({ name: 'Colour', value });

describe('variant options', () => {
  it('titles a variant by its values, and a variant without options Default', () => {
    expect(variantTitle([size('M'), colour('Blue')])).toBe('M / Blue');
    expect(variantTitle([])).toBe('Default');
  });

  it("lists a product's options with each value once, in variant order", () => {
    const variants = [
      [size('S'), colour('Red')],
      [size('M'), colour('Red')],
      [size('S'), colour('Blue')],
    ].map((selectedOptions) => ({ selectedOptions }));
    expect(productOptions(variants)).toEqual([
      { name: 'Size', values: ['S', 'M'] },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ]);
  });

  it('gives a product without options or variants no options', () => {
    expect(productOptions([{ selectedOptions: [] }])).toEqual([]);
    expect(productOptions([])).toEqual([]);
  });

  it('compares option names in order and values per option, ignoring case', () => {
    expect(sameOptionNames([size('S'), colour('Red')], [{ name: 'size', value: 'M' }, colour('Blue')])).toBe(true);
    expect(sameOptionNames([size('S'), colour('Red')], [colour('Red'), size('S')])).toBe(false);
    expect(sameOptionNames([size('S')], [])).toBe(false);
    expect(sameOptionValues([size('m')], [size('M')])).toBe(true);
    expect(sameOptionValues([size('S')], [size('M')])).toBe(false);
  });
});
