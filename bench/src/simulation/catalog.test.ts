import { describe, expect, it } from 'vitest';
import { rankByPopularity } from './catalog';
import { createRandom } from './random';

describe('popularity order', () => {
  it('puts the best sellers first in their order, then every other product once', () => {
    const ranked = rankByPopularity(['1', '2', '3', '4', '5'], ['4', '2'], createRandom(1));
    expect(ranked.slice(0, 2)).toEqual(['4', '2']);
    expect([...ranked].sort()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('leaves out best sellers that are no longer on sale and repeats none', () => {
    const ranked = rankByPopularity(['1', '2'], ['9', '2', '2'], createRandom(2));
    expect(ranked).toEqual(['2', '1']);
  });

  it('orders the rest the same way for the same seed', () => {
    const ids = Array.from({ length: 30 }, (_, index) => String(index));
    expect(rankByPopularity(ids, [], createRandom(5))).toEqual(rankByPopularity(ids, [], createRandom(5)));
    expect(rankByPopularity(ids, [], createRandom(5))).not.toEqual(ids);
  });
});
