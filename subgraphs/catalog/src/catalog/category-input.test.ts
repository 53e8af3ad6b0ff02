import { describe, expect, it } from 'vitest';
import { parseCreateCategory, slugify } from './category-input';

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

describe('slugify', () => {
  it('joins lower-case words with single dashes and drops accents', () => {
    expect(slugify('  Kitchen & Dining — Tools ')).toBe('kitchen-dining-tools');
    expect(slugify('Café Crème')).toBe('cafe-creme');
  });

  it('never ends in a dash after cutting to length', () => {
    const slug = slugify(`${'a'.repeat(99)} b`);
    expect(slug).toBe('a'.repeat(99));
  });
});

describe('parseCreateCategory', () => {
  it('derives the slug from the name when none is given', () => {
    expect(parseCreateCategory({ name: ' Garden Tools ' })).toEqual({ name: 'Garden Tools', slug: 'garden-tools', description: '', parentId: null });
  });

  it('keeps a given slug', () => {
    expect(parseCreateCategory({ name: 'Garden', slug: 'outdoor-2', description: ' Sun ' })).toEqual({
      name: 'Garden',
      slug: 'outdoor-2',
      description: 'Sun',
      parentId: null,
    });
  });

  it('keeps the parent it is to be created under', () => {
    expect(parseCreateCategory({ name: 'Knives', parentId: '7' }).parentId).toBe(7);
  });

  it.each([
    [{ name: '' }, 'input.name'],
    [{ name: 'x'.repeat(101) }, 'input.name'],
    [{ name: 'Mugs\u001b[31m' }, 'input.name'],
    [{ name: '&&&' }, 'input.slug'],
    [{ name: 'Ok', slug: 'Not A Slug' }, 'input.slug'],
    [{ name: 'Ok', slug: 'double--dash' }, 'input.slug'],
    [{ name: 'Ok', parentId: 'kitchen' }, 'input.parentId'],
    [{ name: 'Ok', description: 'd'.repeat(1001) }, 'input.description'],
  ])('refuses %j naming %s', (input, argument) => {
    expect(refusal(() => parseCreateCategory(input))).toMatch(new RegExp(`^${argument.replace('.', '\\.')}: `));
  });
});
