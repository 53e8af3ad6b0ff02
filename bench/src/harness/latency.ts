/** Percentile by nearest rank over values sorted ascending: p50 of [1, 2, 3, 4] is 2, p99 is 4. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The middle value, or the mean of the two middle values; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyRecorder {
  record(ms: number): void;
  readonly count: number;
  summary(): LatencySummary;
}

/**
 * Keeps every sample: a 20 s round at a few thousand operations a second is well under a million numbers,
 * and exact percentiles beat a histogram's buckets when comparing two sides.
 */
export function createLatencyRecorder(): LatencyRecorder {
  const samples: number[] = [];
  return {
    record(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a latency must be a finite number of ms >= 0, got ${ms}`);
      samples.push(ms);
    },
    get count() {
      return samples.length;
    },
    summary() {
      const sorted = Float64Array.from(samples).sort();
      const values = Array.from(sorted);
      return {
        count: values.length,
        p50: percentile(values, 50),
        p90: percentile(values, 90),
        p99: percentile(values, 99),
        max: values.length > 0 ? values[values.length - 1]! : Number.NaN,
      };
    },
  };
}
