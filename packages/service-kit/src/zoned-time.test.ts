import { describe, expect, it } from 'vitest';
import { bucketStarts, startOfZonedDay, startOfZonedHour, startOfZonedWeek, weekStarts, zonedDateOf } from './zoned-time';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('store-local bucket boundaries', () => {
  it('starts a Berlin day at local midnight in winter and in summer', () => {
    expect(iso(startOfZonedDay(at('2026-01-15T12:34:56.789Z'), 'Europe/Berlin'))).toBe('2026-01-14T23:00:00.000Z');
    expect(iso(startOfZonedDay(at('2026-07-15T21:59:00Z'), 'Europe/Berlin'))).toBe('2026-07-14T22:00:00.000Z');
    expect(iso(startOfZonedDay(at('2026-07-15T22:00:00Z'), 'Europe/Berlin'))).toBe('2026-07-15T22:00:00.000Z');
  });

  it('finds the start of days on which the clocks changed', () => {
    // Spring forward at 02:00 local: the day still starts at 00:00 +01:00.
    expect(iso(startOfZonedDay(at('2026-03-29T20:00:00Z'), 'Europe/Berlin'))).toBe('2026-03-28T23:00:00.000Z');
    // Santiago skips midnight when DST starts: the day starts at 01:00 local, 04:00 UTC.
    expect(iso(startOfZonedDay(at('2022-09-11T12:00:00Z'), 'America/Santiago'))).toBe('2022-09-11T04:00:00.000Z');
  });

  it('gives days of 23, 24 and 25 hours across clock changes', () => {
    const days = bucketStarts(at('2026-03-28T12:00:00Z'), at('2026-03-31T00:00:00Z'), 'DAY', 'Europe/Berlin');
    expect(days.map(iso)).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z']);
    const autumn = bucketStarts(at('2026-10-24T22:00:00Z'), at('2026-10-26T00:00:00Z'), 'DAY', 'Europe/Berlin');
    expect(autumn[1]! - autumn[0]!).toBe(25 * 3_600_000);
  });

  it('aligns hours to the local hour in half-hour zones', () => {
    expect(iso(startOfZonedHour(at('2026-05-01T10:10:00Z'), 'Asia/Kolkata'))).toBe('2026-05-01T09:30:00.000Z');
    const hours = bucketStarts(at('2026-05-01T10:10:00Z'), at('2026-05-01T12:00:00Z'), 'HOUR', 'Asia/Kolkata');
    expect(hours.map(iso)).toEqual(['2026-05-01T09:30:00.000Z', '2026-05-01T10:30:00.000Z', '2026-05-01T11:30:00.000Z']);
  });

  it('lists every minute that overlaps the window', () => {
    const minutes = bucketStarts(at('2026-05-01T10:00:30Z'), at('2026-05-01T10:03:00Z'), 'MINUTE', 'UTC');
    expect(minutes.map(iso)).toEqual(['2026-05-01T10:00:00.000Z', '2026-05-01T10:01:00.000Z', '2026-05-01T10:02:00.000Z']);
  });

  it('gives one bucket per local day over a year', () => {
    const days = bucketStarts(at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), 'DAY', 'America/New_York');
    expect(days).toHaveLength(366);
    expect(iso(days[1]!)).toBe('2025-01-01T05:00:00.000Z');
  });
});

describe('store-local weeks', () => {
  it('start on Monday at midnight in the zone, across a clock change', () => {
    // Sunday 2026-03-29 is when Berlin moves to summer time; that week began on Monday the 23rd at 00:00 CET.
    expect(iso(startOfZonedWeek(at('2026-03-29T20:00:00Z'), 'Europe/Berlin'))).toBe('2026-03-22T23:00:00.000Z');
    expect(iso(startOfZonedWeek(at('2026-03-30T00:30:00Z'), 'Europe/Berlin'))).toBe('2026-03-29T22:00:00.000Z');
    expect(weekStarts(at('2026-03-25T12:00:00Z'), at('2026-04-07T00:00:00Z'), 'Europe/Berlin').map(iso)).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
      '2026-04-05T22:00:00.000Z',
    ]);
  });

  it('names the store-local date of an instant', () => {
    expect(zonedDateOf(at('2026-03-10T19:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-11');
    expect(zonedDateOf(at('2026-03-10T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-03-10');
  });
});
