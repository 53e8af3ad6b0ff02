import { badInput, refuseControlCharacters } from '@rtc/service-kit';
import type { CategoryRow } from '../db/schema';
import { validateDescription } from './product-input';

export const MAX_CATEGORY_NAME_LENGTH = 100;
export const MAX_CATEGORY_DESCRIPTION_LENGTH = 1000;
const MAX_SLUG_LENGTH = 100;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** "Kitchen & Dining Tools" -> "kitchen-dining-tools"; accents are dropped, not the letters. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
}

export interface CreateCategoryArgs {
  readonly name: string;
  readonly slug?: string | null;
  readonly description?: string | null;
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
    slug = input.slug.trim();
    if (slug.length > MAX_SLUG_LENGTH || !slugPattern.test(slug)) {
      throw badInput('input.slug', `must be 1 to ${MAX_SLUG_LENGTH} of a-z and 0-9 in words joined by single dashes`);
    }
  }
  return {
    name,
    slug,
    description: validateDescription('input.description', input.description ?? '', MAX_CATEGORY_DESCRIPTION_LENGTH),
  };
}
