import { badInput, refuseControlCharacters } from '@rtc/service-kit';
import type { CategoryRow } from '../db/schema';
import { parseHandle, slugify as slugifyText } from './handles';
import { parseCategoryReference, validateDescription } from './product-input';

export const MAX_CATEGORY_NAME_LENGTH = 100;
export const MAX_CATEGORY_DESCRIPTION_LENGTH = 1000;
const MAX_SLUG_LENGTH = 100;

/** "Kitchen & Dining Tools" -> "kitchen-dining-tools"; accents are dropped, not the letters. */
export function slugify(name: string): string {
  return slugifyText(name, MAX_SLUG_LENGTH);
}

export interface CreateCategoryArgs {
  readonly name: string;
  readonly slug?: string | null;
  readonly description?: string | null;
  readonly parentId?: string | null;
}

export type NewCategory = Omit<CategoryRow, 'id' | 'createdAt'>;

export function parseCreateCategory(input: CreateCategoryArgs): NewCategory {
  const name = input.name.trim();
  if (name.length < 1 || name.length > MAX_CATEGORY_NAME_LENGTH) {
    throw badInput('input.name', `must be 1 to ${MAX_CATEGORY_NAME_LENGTH} characters`);
  }
  refuseControlCharacters('input.name', name);
  let slug: string;
  if (input.slug === null || input.slug === undefined) {
    slug = slugify(name);
    if (slug.length === 0) throw badInput('input.slug', 'cannot be derived from this name; give one');
  } else {
    slug = parseHandle('input.slug', input.slug, MAX_SLUG_LENGTH);
  }
  return {
    name,
    slug,
    description: validateDescription('input.description', input.description ?? '', MAX_CATEGORY_DESCRIPTION_LENGTH),
    parentId: input.parentId === null || input.parentId === undefined ? null : parseCategoryReference('input.parentId', input.parentId),
  };
}
