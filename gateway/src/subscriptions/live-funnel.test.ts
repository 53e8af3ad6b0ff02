import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type Caller } from '@rtc/service-kit';
import { createFunnelFeed } from './live-funnel';

const analyst: Caller = { userId: '1', role: 'ANALYST' };
const logger = createLogger({ service: 'test', level: 'silent' });

describe('the funnel feed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function feedOf(windows: Map<number, Caller>) {
    const reads: number[] = [];
    const sent: number[] = [];
    const feed = createFunnelFeed({
      resolve: async (_caller, _query, variables) => {
        reads.push(Number(variables['windowSeconds']));
        return { data: { liveFunnel: { windowSeconds: variables['windowSeconds'] } } };
      },
      windows: () => windows,
      onStats: (windowSeconds) => sent.push(windowSeconds),
      logger,
      minIntervalMs: 500,
      idleRefreshMs: 5_000,
    });
    return { feed, reads, sent };
  }

  it('reads a window at once when a group joins, then once per interval however many events arrive', async () => {
    const { feed, reads, sent } = feedOf(new Map([[300, analyst]]));
    feed.joined(300, analyst);
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toEqual([300]);
    for (let event = 0; event < 1_000; event += 1) feed.onEvent({ type: 'BehaviourRecorded' });
    await vi.advanceTimersByTimeAsync(500);
    expect(reads).toEqual([300, 300]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toEqual([300, 300]);
    expect(sent).toEqual([300, 300]);
    feed.stop();
  });

  it('ignores events that do not change the funnel, but refreshes idle windows', async () => {
    const { feed, reads } = feedOf(new Map([[600, analyst]]));
    feed.onEvent({ type: 'StockChanged' });
    await vi.advanceTimersByTimeAsync(500);
    // Never read yet: the first tick reads it as idle.
    expect(reads).toEqual([600]);
    feed.onEvent({ type: 'UserSignedUp' });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(reads).toEqual([600]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reads).toEqual([600, 600]);
    feed.onEvent({ type: 'OrderPlaced' });
    await vi.advanceTimersByTimeAsync(500);
    expect(reads).toEqual([600, 600, 600]);
    feed.stop();
  });

  it('reads no window nobody follows', async () => {
    const windows = new Map<number, Caller>();
    const { feed, reads } = feedOf(windows);
    feed.onEvent({ type: 'BehaviourRecorded' });
    await vi.advanceTimersByTimeAsync(6_000);
    expect(reads).toEqual([]);
    feed.stop();
  });
});
