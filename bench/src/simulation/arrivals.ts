import type { Random } from './random';

/**
 * Milliseconds until the next order: shoppers arrive independently, so the gaps of a Poisson process
 * (exponential with mean 1/rate) make bursts and lulls around the average rate as real traffic does.
 */
export function nextArrivalGapMs(ratePerSecond: number, random: Random): number {
  return (-Math.log(1 - random.next()) / ratePerSecond) * 1000;
}
