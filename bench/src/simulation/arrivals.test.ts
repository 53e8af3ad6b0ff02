import { describe, expect, it } from 'vitest';
import { nextArrivalGapMs } from './arrivals';
import { createRandom } from './random';

describe('order arrivals', () => {
  it('average one over the rate', () => {
    const random = createRandom(11);
    let total = 0;
    for (let n = 0; n < 20_000; n++) total += nextArrivalGapMs(5, random);
    expect(total / 20_000).toBeGreaterThan(190);
    expect(total / 20_000).toBeLessThan(210);
  });

  it('vary like a Poisson process: about 37% of gaps are longer than the mean', () => {
    const random = createRandom(12);
    let longer = 0;
    for (let n = 0; n < 20_000; n++) if (nextArrivalGapMs(2, random) > 500) longer++;
    expect(longer / 20_000).toBeCloseTo(Math.exp(-1), 1);
  });

  it('are never negative', () => {
    const random = createRandom(13);
    for (let n = 0; n < 1_000; n++) expect(nextArrivalGapMs(100, random)).toBeGreaterThanOrEqual(0);
  });
});
