import type { ClosedLoopResult } from './closed-loop';
import { median } from './latency';

/** What one side did in one round. */
export interface RoundFigures {
  /** Completed operations per second. */
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
  readonly completed: number;
  readonly failed: number;
  /** CPU of the load generator, in cores. */
  readonly generatorCores: number;
  /** CPU of the RTC child, in cores; NaN when it cannot be read. */
  readonly serverCores: number;
}

export function figuresOf(result: ClosedLoopResult): RoundFigures {
  return {
    throughput: result.throughput,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed: result.completed,
    failed: result.failed,
    generatorCores: result.generatorCores,
    serverCores: result.serverCores ?? Number.NaN,
  };
}

/** Each figure's median over the rounds, taken figure by figure; counts are summed. */
export function medianOfRounds(rounds: readonly RoundFigures[]): RoundFigures {
  return {
    throughput: median(rounds.map((round) => round.throughput)),
    p50: median(rounds.map((round) => round.p50)),
    p99: median(rounds.map((round) => round.p99)),
    completed: rounds.reduce((sum, round) => sum + round.completed, 0),
    failed: rounds.reduce((sum, round) => sum + round.failed, 0),
    generatorCores: median(rounds.map((round) => round.generatorCores)),
    serverCores: median(rounds.map((round) => round.serverCores)),
  };
}

const fixed = (value: number, digits: number, width: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-').padStart(width);

/** One aligned line: `round 1  gateway  412.3 orders/s  p50 35.1 ms  p99 120.4 ms  CPU: RTC 0.98 generator 0.05 cores  (8246 ok, 0 failed)`. */
export function formatFigures(label: string, side: string, figures: RoundFigures, unit: string): string {
  return (
    `${label.padEnd(8)} ${side.padEnd(12)} ${fixed(figures.throughput, 1, 8)} ${unit}  p50 ${fixed(figures.p50, 1, 7)} ms  p99 ${fixed(figures.p99, 1, 7)} ms  ` +
    `CPU: RTC ${fixed(figures.serverCores, 2, 4)} generator ${fixed(figures.generatorCores, 2, 4)} cores  (${figures.completed} ok, ${figures.failed} failed)`
  );
}

/** The most frequent failure messages of a round, for the log. */
export function topFailures(result: ClosedLoopResult, limit = 3): string[] {
  return [...result.failures]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([message, count]) => `${count}× ${message}`);
}

/** Sides take turns going first (a rotation per round), so none always runs on a database another just warmed (or filled). */
export function sideOrder<T>(round: number, sides: readonly T[]): T[] {
  const shift = round % sides.length;
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}

/**
 * The median of per-round ratios a/b. Rounds run back to back, so each ratio compares the sides under the same
 * background load; on a shared machine it drifts less than the ratio of the two medians.
 */
export function medianRoundRatio(a: readonly RoundFigures[], b: readonly RoundFigures[]): number {
  const pairs = Math.min(a.length, b.length);
  return median(Array.from({ length: pairs }, (_, index) => a[index]!.throughput / b[index]!.throughput));
}

/** CPU ms per operation from cores busy and operations per second. */
export function cpuMsPerOperation(cores: number, throughput: number): number {
  return throughput > 0 ? (cores * 1000) / throughput : Number.NaN;
}
