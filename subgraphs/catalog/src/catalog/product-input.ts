import { badInput, parseNumericId, refuseControlCharacters } from '@rtc/service-kit';
import type { ProductRow } from '../db/schema';
import { parseHandle } from './handles';
import { parseProductImages, type NewProductImage, type ProductImageArgs } from './product-images';

export const MAX_PRODUCT_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;
// GraphQL Int is 32-bit signed; the column is unsigned int, so this bound fits both.
export const MAX_PRICE = 2_147_483_647;

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** SKUs are compared case-insensitively, so they are stored upper-case. */
export function normalizeSku(argument: string, sku: string): string {
  const normalized = sku.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9._-]{0,63}$/.test(normalized)) {
    throw badInput(argument, "must be 1 to 64 of A-Z, 0-9, '-', '_', '.', starting with a letter or digit");
  }
  return normalized;
}

export function validateProductName(argument: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_PRODUCT_NAME_LENGTH) {
    throw badInput(argument, `must be 1 to ${MAX_PRODUCT_NAME_LENGTH} characters`);
  }
  return refuseControlCharacters(argument, trimmed);
}

export function validateDescription(argument: string, description: string, max = MAX_DESCRIPTION_LENGTH): string {
  const trimmed = description.trim();
  if (trimmed.length > max) throw badInput(argument, `must be at most ${max} characters`);
  return refuseControlCharacters(argument, trimmed, { multiline: true });
}

export function validatePrice(argument: string, amount: number): number {
  if (!Number.isSafeInteger(amount)) throw badInput(argument, 'must be an integer of minor units');
  if (amount < 0) throw badInput(argument, 'must not be negative');
  if (amount > MAX_PRICE) throw badInput(argument, `must be at most ${MAX_PRICE}`);
  return amount;
}

export function validateCurrency(argument: string, currency: string): string {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !currencies.has(code)) throw badInput(argument, 'must be an ISO 4217 currency code such as USD');
  return code;
}

export function parseCategoryReference(argument: string, id: string): number {
  const parsed = parseNumericId(id);
  if (parsed === null) throw badInput(argument, 'no category has this id');
  return parsed;
}

/** A compare-at price is the former price a sale is measured against: it must be above the price it marks down. */
export function checkCompareAtPrice(argument: string, price: number, compareAt: number | null): void {
  if (compareAt !== null && compareAt <= price) throw badInput(argument, 'must be above the price (leave it out, or null, when not on sale)');
}

/** A handle as given: lower-cased (handles compare case-insensitively), then checked. */
export function normalizeHandle(argument: string, handle: string): string {
  return parseHandle(argument, handle.trim().toLowerCase());
}

export interface CreateProductArgs {
  readonly sku: string;
  readonly name: string;
  readonly description?: string | null;
  readonly price: number;
  readonly currency?: string | null;
  readonly categoryId: string;
  readonly active?: boolean | null;
  readonly handle?: string | null;
  readonly compareAtPrice?: number | null;
  readonly images?: readonly ProductImageArgs[] | null;
}

/** A new product's row (without its handle when it is to be derived from the name) and its images. */
export interface NewProduct {
  readonly row: Omit<ProductRow, 'id' | 'createdAt' | 'handle'>;
  /** null: derive one from the name. */
  readonly handle: string | null;
  readonly images: NewProductImage[];
}

export function parseCreateProduct(input: CreateProductArgs): NewProduct {
  const row = {
    sku: normalizeSku('input.sku', input.sku),
    name: validateProductName('input.name', input.name),
    description: validateDescription('input.description', input.description ?? ''),
    priceAmount: validatePrice('input.price', input.price),
    currency: validateCurrency('input.currency', input.currency ?? 'USD'),
    categoryId: parseCategoryReference('input.categoryId', input.categoryId),
    active: input.active ?? true,
    compareAtAmount: input.compareAtPrice === null || input.compareAtPrice === undefined ? null : validatePrice('input.compareAtPrice', input.compareAtPrice),
  };
  checkCompareAtPrice('input.compareAtPrice', row.priceAmount, row.compareAtAmount);
  return {
    row,
    handle: input.handle === null || input.handle === undefined ? null : normalizeHandle('input.handle', input.handle),
    images: parseProductImages('input.images', input.images ?? []),
  };
}

export interface UpdateProductArgs {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly price?: number | null;
  readonly currency?: string | null;
  readonly active?: boolean | null;
  readonly categoryId?: string | null;
  readonly handle?: string | null;
  /** null takes the product off sale. */
  readonly compareAtPrice?: number | null;
  readonly images?: readonly ProductImageArgs[] | null;
}

export type ProductChanges = Partial<
  Pick<ProductRow, 'name' | 'description' | 'priceAmount' | 'currency' | 'active' | 'categoryId' | 'handle' | 'compareAtAmount'>
>;

/** What an update writes: the row's changed columns, and the images that replace the current ones (undefined: kept). */
export interface ProductUpdate {
  readonly changes: ProductChanges;
  readonly images: NewProductImage[] | undefined;
}

function given<T>(argument: string, value: T | null | undefined): T | undefined {
  if (value === null) throw badInput(argument, 'must not be null; leave it out to keep the current value');
  return value;
}

/**
 * Omitted fields stay as they are; an explicit null is refused rather than guessed at, except for compareAtPrice,
 * where null means "not on sale". The compare-at rule against the stored price is checked where the row is read.
 */
export function parseUpdateProduct(input: UpdateProductArgs): ProductUpdate {
  const name = given('input.name', input.name);
  const description = given('input.description', input.description);
  const price = given('input.price', input.price);
  const currency = given('input.currency', input.currency);
  const active = given('input.active', input.active);
  const categoryId = given('input.categoryId', input.categoryId);
  const handle = given('input.handle', input.handle);
  const images = given('input.images', input.images);
  const compareAt = input.compareAtPrice;
  const changes: ProductChanges = {
    ...(name !== undefined && { name: validateProductName('input.name', name) }),
    ...(description !== undefined && { description: validateDescription('input.description', description) }),
    ...(price !== undefined && { priceAmount: validatePrice('input.price', price) }),
    ...(currency !== undefined && { currency: validateCurrency('input.currency', currency) }),
    ...(active !== undefined && { active }),
    ...(categoryId !== undefined && { categoryId: parseCategoryReference('input.categoryId', categoryId) }),
    ...(handle !== undefined && { handle: normalizeHandle('input.handle', handle) }),
    ...(compareAt !== undefined && { compareAtAmount: compareAt === null ? null : validatePrice('input.compareAtPrice', compareAt) }),
  };
  const update = { changes, images: images === undefined ? undefined : parseProductImages('input.images', images) };
  if (Object.keys(changes).length === 0 && update.images === undefined) throw badInput('input', 'must change at least one field');
  return update;
}
