import type { SelectedOptionValue } from '../db/schema';

/** An option of a product and the values its variants take, in variant order. */
export interface ProductOptionValues {
  readonly name: string;
  readonly values: string[];
}

/** How a variant is called on a product page: its option values joined by ' / ', or `Default` without options. */
export function variantTitle(selected: readonly SelectedOptionValue[]): string {
  return selected.length === 0 ? 'Default' : selected.map((option) => option.value).join(' / ');
}

/** A product's options, read off its variants (already in position order): names from the first, values as they come. */
export function productOptions(variants: readonly { readonly selectedOptions: readonly SelectedOptionValue[] }[]): ProductOptionValues[] {
  const first = variants[0];
  if (!first) return [];
  return first.selectedOptions.map((option, index) => {
    const values: string[] = [];
    for (const variant of variants) {
      const value = variant.selectedOptions[index]?.value;
      if (value !== undefined && !values.includes(value)) values.push(value);
    }
    return { name: option.name, values };
  });
}

/** True when both name the same options in the same order (names compared case-insensitively). */
export function sameOptionNames(a: readonly SelectedOptionValue[], b: readonly SelectedOptionValue[]): boolean {
  return a.length === b.length && a.every((option, index) => option.name.toLowerCase() === b[index]!.name.toLowerCase());
}

/** True when both take the same value for every option (case-insensitively): two such variants cannot coexist. */
export function sameOptionValues(a: readonly SelectedOptionValue[], b: readonly SelectedOptionValue[]): boolean {
  return sameOptionNames(a, b) && a.every((option, index) => option.value.toLowerCase() === b[index]!.value.toLowerCase());
}
