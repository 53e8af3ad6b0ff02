/** What happened in one second of the run, printed as one line. */
export interface SecondReport {
  placed: number;
  paid: number;
  cancelled: number;
  restocked: number;
  skipped: number;
  /** Browsing sessions started, and behaviour events the gateway accepted. */
  sessions: number;
  events: number;
  /** Failed operations by error code (OUT_OF_STOCK, PAYMENT_DECLINED, NETWORK, …). */
  readonly failed: Map<string, number>;
  /** placeOrder round trips of the second, milliseconds. */
  readonly latencies: number[];
}

export const emptyReport = (): SecondReport => ({
  placed: 0,
  paid: 0,
  cancelled: 0,
  restocked: 0,
  skipped: 0,
  sessions: 0,
  events: 0,
  failed: new Map(),
  latencies: [],
});

export function countFailure(report: SecondReport, code: string): void {
  report.failed.set(code, (report.failed.get(code) ?? 0) + 1);
}

/** The value under which `fraction` of the samples lie (nearest rank); null without samples. */
export function percentile(samples: readonly number[], fraction: number): number | null {
  if (samples.length === 0) return null;
  const sorted = samples.slice().sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)}ms`);

/** e.g. `12:00:01  placed 5  paid 4  cancelled 0  restocked 1  sessions 90  events 410  failed OUT_OF_STOCK=1  p50 41ms  p95 88ms  in flight 2` */
export function formatReportLine(at: Date, report: SecondReport, inFlight: number): string {
  const failed = [...report.failed.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, count]) => `${code}=${count}`);
  return [
    at.toISOString().slice(11, 19),
    `placed ${report.placed}`,
    `paid ${report.paid}`,
    `cancelled ${report.cancelled}`,
    `restocked ${report.restocked}`,
    ...(report.sessions > 0 || report.events > 0 ? [`sessions ${report.sessions}`, `events ${report.events}`] : []),
    `failed ${failed.length > 0 ? failed.join(',') : 0}`,
    ...(report.skipped > 0 ? [`skipped ${report.skipped}`] : []),
    `p50 ${ms(percentile(report.latencies, 0.5))}`,
    `p95 ${ms(percentile(report.latencies, 0.95))}`,
    `in flight ${inFlight}`,
  ].join('  ');
}

/** Adds one second's report into the run's totals. */
export function addReport(total: SecondReport, second: SecondReport): void {
  total.placed += second.placed;
  total.paid += second.paid;
  total.cancelled += second.cancelled;
  total.restocked += second.restocked;
  total.skipped += second.skipped;
  total.sessions += second.sessions;
  total.events += second.events;
  for (const [code, count] of second.failed) total.failed.set(code, (total.failed.get(code) ?? 0) + count);
  total.latencies.push(...second.latencies);
}
