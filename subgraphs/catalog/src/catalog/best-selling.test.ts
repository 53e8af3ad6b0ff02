import { describe, expect, it } from 'vitest';
import { entriesAfter, rankBySales } from './best-selling';

const units = new Map([
  [3, 10],
  [5, 2],
  [8, 10],
]);

describe('the best-selling ranking', () => {
  it('puts most units first, ties and products that sold nothing newest id first', () => {
    expect(rankBySales([1, 2, 3, 5, 8, 9], units)).toEqual([
      { id: 8, units: 10 },
      { id: 3, units: 10 },
      { id: 5, units: 2 },
      { id: 9, units: 0 },
      { id: 2, units: 0 },
      { id: 1, units: 0 },
    ]);
  });

  it('pages after a position without repeating or skipping, also across ties and the unsold', () => {
    const ranked = rankBySales([1, 2, 3, 5, 8, 9], units);
    const seen: number[] = [];
    let position = null;
    for (;;) {
      const page = entriesAfter(ranked, position, 2);
      seen.push(...page.map((entry) => entry.id));
      if (page.length < 2) break;
      position = page.at(-1)!;
    }
    expect(seen).toEqual([8, 3, 5, 9, 2, 1]);
  });

  it('continues after a position whose product left the listing, and ends after the last', () => {
    const ranked = rankBySales([1, 2, 8, 9], units);
    expect(entriesAfter(ranked, { id: 3, units: 10 }, 5).map((entry) => entry.id)).toEqual([9, 2, 1]);
    expect(entriesAfter(ranked, { id: 1, units: 0 }, 5)).toEqual([]);
  });
});
