import { badInput } from '@rtc/service-kit';
import type { Bucket } from '@rtc/service-kit';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const maxWindowMs = 400 * day;

/** How long a window each bucket size may span, so a series has at most 1440, 744 or 400 points. */
export const maxSpanOf: Record<Bucket, number> = { MINUTE: day, HOUR: 31 * day, DAY: maxWindowMs };

/** A window of whole UTC minutes: [from, to). */
export interface SalesWindow {
  readonly from: Date;
  readonly to: Date;
}

/**
 * Checks the arguments and widens them to every whole minute that overlaps [from, to): per-minute rollups are
 * the finest grain the analytics keep.
 */
export function salesWindow(from: Date, to: Date, bucket?: Bucket): SalesWindow {
  const span = to.getTime() - from.getTime();
  if (!(span > 0)) throw badInput('to', 'must be later than from');
  if (span > maxWindowMs) throw badInput('to', 'the window may span at most 400 days');
  if (bucket && span > maxSpanOf[bucket]) {
    throw badInput('bucket', `${bucket} buckets cover a window of at most ${maxSpanOf[bucket] / day === 1 ? '24 hours' : `${maxSpanOf[bucket] / day} days`}`);
  }
  return {
    from: new Date(Math.floor(from.getTime() / minute) * minute),
    to: new Date(Math.ceil(to.getTime() / minute) * minute),
  };
}

/** The window of equal length that ends where `window` starts. */
export function previousWindow(window: SalesWindow): SalesWindow {
  const length = window.to.getTime() - window.from.getTime();
  return { from: new Date(window.from.getTime() - length), to: window.from };
}

/** revenue / orders in minor units, rounded half up; 0 without orders. */
export function averageOrderValue(revenue: number, orders: number): number {
  return orders > 0 ? Math.round(revenue / orders) : 0;
}

/** (current - previous) / previous; null when there is nothing to compare with. */
export function relativeChange(current: number, previous: number): number | null {
  return previous === 0 ? null : (current - previous) / previous;
}
