import { percentile } from '../harness/latency';

/** What one operation did in one interval. */
export interface OperationInterval {
  ok: number;
  readonly latencies: number[];
}

/** Per-operation counts and latencies of the current interval, and every failure by code over the whole run. */
export interface IntervalStats {
  record(operation: string, latencyMs: number): void;
  fail(code: string): void;
  /** Ends the interval: its figures, then a fresh one. */
  take(): { operations: Map<string, OperationInterval>; failures: Map<string, number> };
  /** Every failure so far, by code. */
  readonly failures: ReadonlyMap<string, number>;
}

export function createIntervalStats(operations: readonly string[]): IntervalStats {
  const fresh = () => new Map(operations.map((name) => [name, { ok: 0, latencies: [] as number[] }]));
  let current = fresh();
  let intervalFailures = new Map<string, number>();
  const failures = new Map<string, number>();
  return {
    record(operation, latencyMs) {
      let figures = current.get(operation);
      if (!figures) current.set(operation, (figures = { ok: 0, latencies: [] }));
      figures.ok += 1;
      figures.latencies.push(latencyMs);
    },
    fail(code) {
      intervalFailures.set(code, (intervalFailures.get(code) ?? 0) + 1);
      failures.set(code, (failures.get(code) ?? 0) + 1);
    },
    take() {
      const taken = { operations: current, failures: intervalFailures };
      current = fresh();
      intervalFailures = new Map();
      return taken;
    },
    failures,
  };
}

const ms = (value: number) => (Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : value.toFixed(0)}` : '-');

/** `listing 12.0/s p50 25 p99 140 ms`, one per operation; and the interval's total throughput. */
export function formatOperations(operations: ReadonlyMap<string, OperationInterval>, seconds: number): { total: number; line: string } {
  let total = 0;
  const parts: string[] = [];
  for (const [name, figures] of operations) {
    total += figures.ok;
    const sorted = [...figures.latencies].sort((a, b) => a - b);
    parts.push(`${name} ${(figures.ok / seconds).toFixed(1)}/s p50 ${ms(percentile(sorted, 50))} p99 ${ms(percentile(sorted, 99))} ms`);
  }
  return { total: total / seconds, line: parts.join(' | ') };
}

export function formatFailures(failures: ReadonlyMap<string, number>): string {
  const entries = [...failures.entries()].sort(([a], [b]) => a.localeCompare(b));
  return entries.length > 0 ? entries.map(([code, count]) => `${code}=${count}`).join(', ') : 'none';
}
