import { floorToMinute, MINUTE_MS } from './minute-series';

const HOUR_MS = 60 * MINUTE_MS;

export interface TimeWindow {
  readonly from: Date;
  readonly to: Date;
}

export interface StoreDay {
  /** Epoch milliseconds of today's midnight in the store's time zone. */
  readonly dayStart: number;
  /** Yesterday's midnight; 23 or 25 hours before `dayStart` on a daylight-saving change. */
  readonly yesterdayStart: number;
}

/**
 * The page does not know the store's time zone; the API does. A DAY series over the last 26 hours (longer than any
 * day) starts a bucket at each store midnight, so its last two buckets begin yesterday and today.
 */
export const dayProbeWindow = (now: number): TimeWindow => ({ from: new Date(now - 26 * HOUR_MS), to: new Date(now) });

export function storeDayFrom(dayBuckets: readonly { readonly start: string }[]): StoreDay | null {
  const today = dayBuckets.at(-1);
  const yesterday = dayBuckets.at(-2);
  if (!today || !yesterday) return null;
  return { dayStart: Date.parse(today.start), yesterdayStart: Date.parse(yesterday.start) };
}

/** Yesterday from its midnight up to the same time of day as now; null in today's first minute. */
export function yesterdaySoFar({ dayStart, yesterdayStart }: StoreDay, now: number): TimeWindow | null {
  const elapsed = now - dayStart;
  if (elapsed < MINUTE_MS) return null;
  return { from: new Date(yesterdayStart), to: new Date(Math.min(yesterdayStart + elapsed, dayStart)) };
}

/** The `minutes` whole minutes ending with the current one. */
export const lastMinutesWindow = (now: number, minutes = 60): TimeWindow => ({
  from: new Date(floorToMinute(now) - (minutes - 1) * MINUTE_MS),
  to: new Date(now),
});

export const lastHourWindow = (now: number): TimeWindow => ({ from: new Date(now - HOUR_MS), to: new Date(now) });

/** True from the 23rd hour of the day (the shortest a day lasts) on: the day may have turned, a refresh settles it. */
export const dayMayHaveTurned = (day: StoreDay, now: number): boolean => now - day.dayStart >= 23 * HOUR_MS;
