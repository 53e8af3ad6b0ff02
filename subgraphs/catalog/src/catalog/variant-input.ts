import { badInput, parseNumericId, refuseControlCharacters } from '@rtc/service-kit';
import type { SelectedOptionValue } from '../db/schema';
import { normalizeSku, validatePrice } from './product-input';

export const MAX_OPTIONS = 3;
export const MAX_OPTION_NAME_LENGTH = 50;
export const MAX_OPTION_VALUE_LENGTH = 100;
export const MAX_VARIANT_POSITION = 10_000;
/** Live variants a product may have: the gateway prices `Product.variants` by it. */
export const MAX_VARIANTS_PER_PRODUCT = 50;

export interface SelectedOptionArgs {
  readonly name: string;
  readonly value: string;
}

export interface AddVariantArgs {
  readonly productId: string;
  readonly sku: string;
  readonly selectedOptions: readonly SelectedOptionArgs[];
  readonly price: number;
  readonly compareAtPrice?: number | null;
  readonly position?: number | null;
}

export interface UpdateVariantArgs {
  readonly id: string;
  readonly sku?: string | null;
  readonly selectedOptions?: readonly SelectedOptionArgs[] | null;
  readonly price?: number | null;
  readonly compareAtPrice?: number | null;
  readonly position?: number | null;
}

export interface NewVariant {
  readonly productId: number;
  readonly sku: string;
  readonly selectedOptions: SelectedOptionValue[];
  readonly priceAmount: number;
  readonly compareAtAmount: number | null;
  readonly position: number | null;
}

export interface VariantChanges {
  sku?: string;
  selectedOptions?: SelectedOptionValue[];
  priceAmount?: number;
  compareAtAmount?: number | null;
  position?: number;
}

function text(argument: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw badInput(argument, `must be 1 to ${max} characters`);
  return refuseControlCharacters(argument, trimmed);
}

/** Option names and values, trimmed; at most three options, each named once. */
export function parseSelectedOptions(argument: string, options: readonly SelectedOptionArgs[]): SelectedOptionValue[] {
  if (options.length > MAX_OPTIONS) throw badInput(argument, `a variant has at most ${MAX_OPTIONS} options`);
  const parsed = options.map((option, index) => ({
    name: text(`${argument}[${index}].name`, option.name, MAX_OPTION_NAME_LENGTH),
    value: text(`${argument}[${index}].value`, option.value, MAX_OPTION_VALUE_LENGTH),
  }));
  const names = new Set(parsed.map((option) => option.name.toLowerCase()));
  if (names.size !== parsed.length) throw badInput(argument, 'names each option once');
  return parsed;
}

function parsePosition(argument: string, position: number): number {
  if (!Number.isInteger(position) || position < 0 || position > MAX_VARIANT_POSITION) throw badInput(argument, `must be 0 to ${MAX_VARIANT_POSITION}`);
  return position;
}

/** A variant id given by a client; malformed ids name no variant. */
export function parseVariantId(argument: string, id: string): number {
  const parsed = parseNumericId(id);
  if (parsed === null) throw badInput(argument, 'no variant has this id');
  return parsed;
}

export function parseAddVariant(input: AddVariantArgs): NewVariant {
  const productId = parseNumericId(input.productId);
  if (productId === null) throw badInput('input.productId', 'no product has this id');
  return {
    productId,
    sku: normalizeSku('input.sku', input.sku),
    selectedOptions: parseSelectedOptions('input.selectedOptions', input.selectedOptions),
    priceAmount: validatePrice('input.price', input.price),
    compareAtAmount: input.compareAtPrice == null ? null : validatePrice('input.compareAtPrice', input.compareAtPrice),
    position: input.position == null ? null : parsePosition('input.position', input.position),
  };
}

function given<T>(argument: string, value: T | null | undefined): T | undefined {
  if (value === null) throw badInput(argument, 'must not be null; leave it out to keep the current value');
  return value;
}

/** Omitted fields stay; compareAtPrice alone may be null (off sale). At least one field must change. */
export function parseUpdateVariant(input: UpdateVariantArgs): { id: number; changes: VariantChanges } {
  const id = parseVariantId('input.id', input.id);
  const sku = given('input.sku', input.sku);
  const selectedOptions = given('input.selectedOptions', input.selectedOptions);
  const price = given('input.price', input.price);
  const position = given('input.position', input.position);
  const changes: VariantChanges = {
    ...(sku !== undefined && { sku: normalizeSku('input.sku', sku) }),
    ...(selectedOptions !== undefined && { selectedOptions: parseSelectedOptions('input.selectedOptions', selectedOptions) }),
    ...(price !== undefined && { priceAmount: validatePrice('input.price', price) }),
    ...(input.compareAtPrice !== undefined && {
      compareAtAmount: input.compareAtPrice === null ? null : validatePrice('input.compareAtPrice', input.compareAtPrice),
    }),
    ...(position !== undefined && { position: parsePosition('input.position', position) }),
  };
  if (Object.keys(changes).length === 0) throw badInput('input', 'must change at least one field');
  return { id, changes };
}
