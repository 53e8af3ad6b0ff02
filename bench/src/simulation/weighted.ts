import type { Random } from './random';

/** Zipf's law over ranks 1..count: the item of rank r is wanted in proportion to 1 / r^exponent. */
export function zipfWeights(count: number, exponent = 1): number[] {
  return Array.from({ length: count }, (_, index) => 1 / (index + 1) ** exponent);
}

/** Draws indexes 0..weights.length-1 in proportion to their weights. */
export function createWeightedPicker(weights: readonly number[], random: Random): () => number {
  if (weights.length === 0) throw new Error('nothing to pick from');
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) {
    if (!(weight >= 0)) throw new Error(`weights must not be negative, got ${weight}`);
    total += weight;
    cumulative.push(total);
  }
  if (total <= 0) throw new Error('at least one weight must be positive');
  return () => {
    const target = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! <= target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}
