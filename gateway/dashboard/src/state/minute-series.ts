export const MINUTE_MS = 60_000;

export interface MinutePoint {
  /** Epoch milliseconds of the minute's start. */
  readonly start: number;
  readonly orders: number;
  /** Minor units of the store currency. */
  readonly revenue: number;
}

/** The last `length` whole minutes, oldest first, the current (partial) minute last. */
export interface MinuteSeries {
  readonly length: number;
  readonly points: readonly MinutePoint[];
}

export const floorToMinute = (epochMs: number) => Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;

/** An empty series ending at the minute of `now`. */
export function emptyMinuteSeries(now: number, length = 60): MinuteSeries {
  const last = floorToMinute(now);
  const points = Array.from({ length }, (_, index) => ({ start: last - (length - 1 - index) * MINUTE_MS, orders: 0, revenue: 0 }));
  return { length, points };
}

/** The series ending at `now`, filled from per-minute points the API returned; minutes it left out count zero. */
export function seedMinuteSeries(seed: readonly MinutePoint[], now: number, length = 60): MinuteSeries {
  const byStart = new Map(seed.map((point) => [floorToMinute(point.start), point]));
  const empty = emptyMinuteSeries(now, length);
  return {
    length,
    points: empty.points.map((point) => {
      const known = byStart.get(point.start);
      return known ? { start: point.start, orders: known.orders, revenue: known.revenue } : point;
    }),
  };
}

/** Moves the window forward to the minute of `now`: new minutes start at zero, the oldest fall off. */
export function advanceMinuteSeries(series: MinuteSeries, now: number): MinuteSeries {
  const current = floorToMinute(now);
  const last = series.points.at(-1);
  if (last && last.start >= current) return series;
  return seedMinuteSeries(series.points, now, series.length);
}

/** Counts one order in the minute it was placed; orders older than the window change nothing. */
export function addOrderToSeries(series: MinuteSeries, placedAt: number, revenue: number): MinuteSeries {
  const minute = floorToMinute(placedAt);
  const index = series.points.findIndex((point) => point.start === minute);
  if (index < 0) {
    const last = series.points.at(-1);
    // An order from a minute ahead of the local clock: move the window rather than lose it.
    if (last && minute > last.start) return addOrderToSeries(advanceMinuteSeries(series, placedAt), placedAt, revenue);
    return series;
  }
  const points = series.points.slice();
  const point = points[index]!;
  points[index] = { start: point.start, orders: point.orders + 1, revenue: point.revenue + revenue };
  return { length: series.length, points };
}
