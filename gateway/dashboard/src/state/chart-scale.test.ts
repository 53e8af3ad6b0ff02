import { describe, expect, it } from 'vitest';
import { chartCeiling } from './chart-scale';

const hour = (base: number[], spike?: number) => [...Array.from({ length: 59 }, (_, index) => base[index % base.length]!), spike ?? base[0]!];

describe('per-minute chart ceiling', () => {
  it('fits an even hour whole', () => {
    expect(chartCeiling(hour([4, 6, 5, 7]))).toEqual({ top: 7, clipped: false });
  });

  it('clips a one-minute spike at twice the busy-minute level, so the other minutes stay readable', () => {
    expect(chartCeiling(hour([4, 6, 5, 7], 400))).toEqual({ top: 14, clipped: true });
  });

  it('keeps a peak within three busy-minute levels on the axis', () => {
    expect(chartCeiling(hour([4, 6, 5, 7], 21))).toEqual({ top: 21, clipped: false });
  });

  it('does not clip an hour with too few sales to judge', () => {
    expect(chartCeiling([0, 0, 1, 0, 90, 0, 2])).toEqual({ top: 90, clipped: false });
    expect(chartCeiling([])).toEqual({ top: 0, clipped: false });
  });
});
