import { describe, expect, it } from 'vitest';
import { createRandom } from './random';
import { createWeightedPicker, zipfWeights } from './weighted';

describe('Zipf weights', () => {
  it('give rank r a weight of 1 / r^s', () => {
    expect(zipfWeights(4, 1)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
    expect(zipfWeights(3, 2)).toEqual([1, 1 / 4, 1 / 9]);
  });
});

describe('weighted picker', () => {
  it('picks each index about as often as its share of the weight', () => {
    const pick = createWeightedPicker([1, 2, 7], createRandom(7));
    const counts = [0, 0, 0];
    for (let n = 0; n < 20_000; n++) counts[pick()]!++;
    expect(counts[0]! / 20_000).toBeCloseTo(0.1, 1);
    expect(counts[1]! / 20_000).toBeCloseTo(0.2, 1);
    expect(counts[2]! / 20_000).toBeCloseTo(0.7, 1);
  });

  it('never picks an index of weight zero', () => {
    const pick = createWeightedPicker([0, 1, 0], createRandom(1));
    for (let n = 0; n < 1_000; n++) expect(pick()).toBe(1);
  });

  it('makes the most popular products of a Zipf law the most picked', () => {
    const pick = createWeightedPicker(zipfWeights(100, 1), createRandom(3));
    const counts = new Array<number>(100).fill(0);
    for (let n = 0; n < 50_000; n++) counts[pick()]!++;
    expect(counts[0]!).toBeGreaterThan(counts[1]!);
    expect(counts[1]!).toBeGreaterThan(counts[9]!);
    expect(counts[9]!).toBeGreaterThan(counts[99]!);
    // Rank 1 against rank 10 is about 10:1 under s = 1.
    expect(counts[0]! / counts[9]!).toBeGreaterThan(7);
    expect(counts[0]! / counts[9]!).toBeLessThan(13);
  });

  it('refuses an empty or weightless list', () => {
    expect(() => createWeightedPicker([], createRandom(1))).toThrow('nothing to pick from');
    expect(() => createWeightedPicker([0, 0], createRandom(1))).toThrow('positive');
  });
});
