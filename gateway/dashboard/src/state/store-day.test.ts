import { describe, expect, it } from 'vitest';
import { dayMayHaveTurned, lastMinutesWindow, storeDayFrom, yesterdaySoFar } from './store-day';

const H = 3_600_000;

describe('store day', () => {
  it("reads today's and yesterday's midnight from the last two DAY buckets", () => {
    const day = storeDayFrom([{ start: '2025-03-29T23:00:00.000Z' }, { start: '2025-03-30T23:00:00.000Z' }, { start: '2025-03-31T22:00:00.000Z' }]);
    expect(day).toEqual({ dayStart: Date.parse('2025-03-31T22:00:00.000Z'), yesterdayStart: Date.parse('2025-03-30T23:00:00.000Z') });
  });

  it('gives no day without two buckets', () => {
    expect(storeDayFrom([{ start: '2025-03-31T22:00:00.000Z' }])).toBeNull();
  });

  it('compares with yesterday up to the same time of day, never past its end', () => {
    const day = { dayStart: 100 * H, yesterdayStart: 77 * H }; // a 23-hour day
    expect(yesterdaySoFar(day, 100 * H + 5 * H)).toEqual({ from: new Date(77 * H), to: new Date(82 * H) });
    expect(yesterdaySoFar(day, 100 * H + 23.5 * H)!.to).toEqual(new Date(100 * H));
    expect(yesterdaySoFar(day, 100 * H + 1_000)).toBeNull();
  });

  it('spans whole minutes up to now', () => {
    const now = Date.UTC(2025, 0, 1, 10, 30, 15);
    const window = lastMinutesWindow(now, 60);
    expect(window.from.toISOString()).toBe('2025-01-01T09:31:00.000Z');
    expect(window.to.getTime()).toBe(now);
  });

  it('suspects a new day from 23 hours after midnight, the length of the shortest day', () => {
    const day = { dayStart: 48 * H, yesterdayStart: 24 * H };
    expect(dayMayHaveTurned(day, 48 * H + 22.9 * H)).toBe(false);
    expect(dayMayHaveTurned(day, 48 * H + 23 * H)).toBe(true);
  });
});
