import { describe, expect, it } from 'vitest';
import { addReport, countFailure, emptyReport, formatReportLine, percentile } from './second-report';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([30, 10, 20], 0.5)).toBe(20);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([5, 1, 9, 7, 3, 2, 8, 6, 4, 10], 0.95)).toBe(10);
    expect(percentile([42], 0.99)).toBe(42);
  });

  it('is null without samples', () => {
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('report line', () => {
  it('shows counts, failures by code and latency percentiles', () => {
    const report = emptyReport();
    report.placed = 5;
    report.paid = 3;
    report.latencies.push(40, 41, 44, 90, 39);
    countFailure(report, 'OUT_OF_STOCK');
    countFailure(report, 'OUT_OF_STOCK');
    countFailure(report, 'NETWORK');
    expect(formatReportLine(new Date('2025-01-06T12:00:01.500Z'), report, 2)).toBe(
      '12:00:01  placed 5  paid 3  cancelled 0  restocked 0  failed NETWORK=1,OUT_OF_STOCK=2  p50 41ms  p95 90ms  in flight 2',
    );
  });

  it('says when nothing was measured and mentions skipped arrivals only when there were some', () => {
    const quiet = formatReportLine(new Date('2025-01-06T12:00:02Z'), emptyReport(), 0);
    expect(quiet).toBe('12:00:02  placed 0  paid 0  cancelled 0  restocked 0  failed 0  p50 -  p95 -  in flight 0');
    const busy = emptyReport();
    busy.skipped = 4;
    expect(formatReportLine(new Date(0), busy, 16)).toContain('skipped 4');
    expect(formatReportLine(new Date(0), busy, 16)).not.toContain('sessions');
    busy.sessions = 90;
    busy.events = 410;
    expect(formatReportLine(new Date(0), busy, 16)).toContain('restocked 0  sessions 90  events 410  failed 0');
  });

  it('adds seconds into the run total', () => {
    const total = emptyReport();
    const second = emptyReport();
    second.placed = 2;
    second.events = 7;
    second.latencies.push(10);
    countFailure(second, 'OUT_OF_STOCK');
    addReport(total, second);
    addReport(total, second);
    expect(total.placed).toBe(4);
    expect(total.events).toBe(14);
    expect(total.failed.get('OUT_OF_STOCK')).toBe(2);
    expect(total.latencies).toEqual([10, 10]);
  });
});
