import { sql, type SQL } from 'drizzle-orm';
import { products } from '../db/schema';
import type { SearchPlan } from './search-terms';

/**
 * What a search word is worth where it matches: a name match outranks any number of SKU matches short of ten, and an
 * SKU match any number of description matches short of ten. Integers, so a cursor carries a rank exactly.
 */
export const relevanceWeights = { name: 100, sku: 10, description: 1 } as const;

/** A word matching as a word prefix, as the FULLTEXT search matches it (`word*`); words hold only letters and digits. */
export function wordPrefixPattern(word: string): string {
  return `(^|[^\\p{L}\\p{N}])${word}`;
}

const points = (matches: SQL, weight: number) => sql`(CASE WHEN ${matches} THEN ${sql.raw(String(weight))} ELSE 0 END)`;

/**
 * The rank RELEVANCE orders a search by: for each search word, the weight of each of name, SKU and description it
 * matches, summed. A short-text search (name or SKU starts with the text) ranks name prefixes above SKU prefixes.
 */
export function relevanceScore(search: SearchPlan): SQL<number> {
  const parts =
    search.kind === 'words'
      ? search.words.flatMap((word) => {
          const pattern = wordPrefixPattern(word);
          return [
            points(sql`${products.name} REGEXP ${pattern}`, relevanceWeights.name),
            points(sql`${products.sku} REGEXP ${pattern}`, relevanceWeights.sku),
            points(sql`${products.description} REGEXP ${pattern}`, relevanceWeights.description),
          ];
        })
      : [
          points(sql`${products.name} LIKE ${search.likePattern}`, relevanceWeights.name),
          points(sql`${products.sku} LIKE ${search.likePattern}`, relevanceWeights.sku),
        ];
  return sql<number>`(${sql.join(parts, sql` + `)})`.mapWith(Number);
}
