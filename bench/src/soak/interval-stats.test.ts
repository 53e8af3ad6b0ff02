import { describe, expect, it } from 'vitest';
import { createIntervalStats, formatFailures, formatOperations } from './interval-stats';

describe('interval stats', () => {
  it('counts each operation and its latencies per interval, and failures over the whole run', () => {
    const stats = createIntervalStats(['listing', 'checkout']);
    for (const ms of [10, 20, 30, 40]) stats.record('listing', ms);
    stats.record('checkout', 100);
    stats.fail('OUT_OF_STOCK');
    const first = stats.take();
    expect(formatOperations(first.operations, 2)).toEqual({ total: 2.5, line: 'listing 2.0/s p50 20 p99 40 ms | checkout 0.5/s p50 100 p99 100 ms' });
    expect(formatFailures(first.failures)).toBe('OUT_OF_STOCK=1');

    stats.fail('TIMEOUT');
    const second = stats.take();
    expect(formatOperations(second.operations, 1).line).toBe('listing 0.0/s p50 - p99 - ms | checkout 0.0/s p50 - p99 - ms');
    expect(formatFailures(second.failures)).toBe('TIMEOUT=1');
    expect(formatFailures(stats.failures)).toBe('OUT_OF_STOCK=1, TIMEOUT=1');
    expect(formatFailures(new Map())).toBe('none');
  });
});
