import { describe, expect, it } from 'vitest';
import { addOrderToSeries, advanceMinuteSeries, emptyMinuteSeries, MINUTE_MS, seedMinuteSeries } from './minute-series';

const t0 = Date.UTC(2025, 0, 6, 12, 30, 0);

describe('minute series', () => {
  it('ends at the current minute and spans the requested number of minutes', () => {
    const series = emptyMinuteSeries(t0 + 42_000, 60);
    expect(series.points).toHaveLength(60);
    expect(series.points.at(-1)!.start).toBe(t0);
    expect(series.points[0]!.start).toBe(t0 - 59 * MINUTE_MS);
  });

  it('takes seeded minutes and counts the ones the API left out as zero', () => {
    const series = seedMinuteSeries(
      [
        { start: t0 - 2 * MINUTE_MS, orders: 3, revenue: 900 },
        { start: t0 - 120 * MINUTE_MS, orders: 9, revenue: 1 },
      ],
      t0 + 5_000,
      5,
    );
    expect(series.points.map((point) => point.orders)).toEqual([0, 0, 3, 0, 0]);
  });

  it('adds a placed order to the minute it was placed in', () => {
    let series = emptyMinuteSeries(t0, 3);
    series = addOrderToSeries(series, t0 + 10_000, 1250);
    series = addOrderToSeries(series, t0 - 30_000, 100);
    expect(series.points.map((point) => [point.orders, point.revenue])).toEqual([
      [0, 0],
      [1, 100],
      [1, 1250],
    ]);
  });

  it('ignores orders older than the window', () => {
    const series = emptyMinuteSeries(t0, 3);
    expect(addOrderToSeries(series, t0 - 10 * MINUTE_MS, 500)).toBe(series);
  });

  it('moves forward when a new minute starts, dropping the oldest and keeping the rest', () => {
    const series = addOrderToSeries(emptyMinuteSeries(t0, 3), t0, 700);
    const moved = advanceMinuteSeries(series, t0 + 2 * MINUTE_MS + 1);
    expect(moved.points.map((point) => point.start)).toEqual([t0, t0 + MINUTE_MS, t0 + 2 * MINUTE_MS]);
    expect(moved.points.map((point) => point.orders)).toEqual([1, 0, 0]);
    expect(advanceMinuteSeries(moved, t0 + 2 * MINUTE_MS + 30_000)).toBe(moved);
  });

  it('moves forward for an order stamped ahead of the local clock', () => {
    const series = addOrderToSeries(emptyMinuteSeries(t0, 3), t0 + MINUTE_MS + 1_000, 300);
    expect(series.points.at(-1)).toEqual({ start: t0 + MINUTE_MS, orders: 1, revenue: 300 });
  });
});
