/** How a search text becomes SQL: words through the FULLTEXT index (kept for ranking too), or a prefix of name or SKU. */
export type SearchPlan =
  { readonly kind: 'words'; readonly booleanQuery: string; readonly words: readonly string[] } | { readonly kind: 'prefix'; readonly likePattern: string };

// InnoDB leaves these out of FULLTEXT indexes (innodb_ft_min_token_size, INNODB_FT_DEFAULT_STOPWORD);
// a required (+) word the index never holds would make every search containing it come back empty.
export const MIN_INDEXED_WORD_LENGTH = 3;
const innodbStopwords = new Set([
  'a',
  'about',
  'an',
  'are',
  'as',
  'at',
  'be',
  'by',
  'com',
  'de',
  'en',
  'for',
  'from',
  'how',
  'i',
  'in',
  'is',
  'it',
  'la',
  'of',
  'on',
  'or',
  'that',
  'the',
  'this',
  'to',
  'was',
  'what',
  'when',
  'where',
  'who',
  'will',
  'with',
  'und',
  'www',
]);

/** Lower-case letter and digit runs of the text, as the FULLTEXT parser splits them. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Every indexable word must match as a word prefix (`+word*` in boolean mode). When the text has no
 * indexable word (e.g. "tv"), name or SKU must start with it instead, which their B-tree indexes serve.
 * Returns null for a blank text: no search condition at all.
 */
export function planSearch(text: string): SearchPlan | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  const indexed = [...new Set(searchWords(trimmed))].filter((word) => word.length >= MIN_INDEXED_WORD_LENGTH && !innodbStopwords.has(word));
  if (indexed.length > 0) return { kind: 'words', booleanQuery: indexed.map((word) => `+${word}*`).join(' '), words: indexed };
  return { kind: 'prefix', likePattern: `${escapeLike(trimmed)}%` };
}
