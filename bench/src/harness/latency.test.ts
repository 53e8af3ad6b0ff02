import { describe, expect, it } from 'vitest';
import { createLatencyRecorder, median, percentile } from './latency';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = [1, 2, 3, 4];
    expect(percentile(sorted, 50)).toBe(2);
    expect(percentile(sorted, 75)).toBe(3);
    expect(percentile(sorted, 99)).toBe(4);
    expect(percentile(sorted, 100)).toBe(4);
  });

  it('finds p99 of a hundred samples at the 99th', () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 50)).toBe(50);
  });

  it('is NaN without samples and refuses a percentile out of range', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('takes the middle of an odd count whatever the order', () => {
    expect(median([30, 10, 20])).toBe(20);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('leaves its input unsorted and is NaN for none', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(median([])).toBeNaN();
  });
});

describe('latency recorder', () => {
  it('summarises samples recorded in any order', () => {
    const recorder = createLatencyRecorder();
    for (let ms = 100; ms >= 1; ms--) recorder.record(ms);
    expect(recorder.count).toBe(100);
    expect(recorder.summary()).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('sorts numerically, not as text', () => {
    const recorder = createLatencyRecorder();
    [9, 10, 100, 2].forEach((ms) => recorder.record(ms));
    expect(recorder.summary().p50).toBe(9);
    expect(recorder.summary().max).toBe(100);
  });

  it('refuses a negative or non-finite latency', () => {
    const recorder = createLatencyRecorder();
    expect(() => recorder.record(-1)).toThrow(RangeError);
    expect(() => recorder.record(Number.NaN)).toThrow(RangeError);
  });

  it('reports NaN percentiles when nothing was recorded', () => {
    const summary = createLatencyRecorder().summary();
    expect(summary.count).toBe(0);
    expect(summary.p50).toBeNaN();
  });
});
