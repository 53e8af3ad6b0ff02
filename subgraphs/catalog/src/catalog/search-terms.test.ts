import { describe, expect, it } from 'vitest';
import { planSearch, searchWords } from './search-terms';

describe('planSearch', () => {
  it('requires every word as a prefix through the FULLTEXT index', () => {
    expect(planSearch('Wireless Head')).toEqual({ kind: 'words', booleanQuery: '+wireless* +head*', words: ['wireless', 'head'] });
  });

  it('splits SKUs and punctuation the way the index does, so boolean operators in the text have no effect', () => {
    expect(planSearch('AUD-000+12 "x" (mug)*')).toEqual({ kind: 'words', booleanQuery: '+aud* +000* +mug*', words: ['aud', '000', 'mug'] });
  });

  it('drops short and common words the index never holds, and repeats', () => {
    expect(planSearch('the TV stand for the stand')).toEqual({ kind: 'words', booleanQuery: '+stand*', words: ['stand'] });
  });

  it('keeps letters outside ASCII', () => {
    expect(planSearch('Crème brûlée')).toEqual({ kind: 'words', booleanQuery: '+crème* +brûlée*', words: ['crème', 'brûlée'] });
  });

  it('falls back to a name or SKU prefix when no word is indexable, escaping LIKE wildcards', () => {
    expect(planSearch('  tv ')).toEqual({ kind: 'prefix', likePattern: 'tv%' });
    expect(planSearch('a_%')).toEqual({ kind: 'prefix', likePattern: 'a\\_\\%%' });
  });

  it('means no search at all for blank text', () => {
    expect(planSearch('   ')).toBeNull();
  });
});

describe('searchWords', () => {
  it('lower-cases letter and digit runs', () => {
    expect(searchWords('Over-ear, 2x USB-C')).toEqual(['over', 'ear', '2x', 'usb', 'c']);
  });
});
