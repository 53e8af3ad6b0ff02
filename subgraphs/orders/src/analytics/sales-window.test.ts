import { describe, expect, it } from 'vitest';
import { averageOrderValue, previousWindow, relativeChange, salesWindow } from './sales-window';

const d = (iso: string) => new Date(iso);
const codeAndMessage = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return [(error as { extensions: { code: string } }).extensions.code, (error as Error).message];
  }
  return null;
};

describe('sales windows', () => {
  it('widens the window to the whole minutes it overlaps', () => {
    const window = salesWindow(d('2026-05-01T10:00:30Z'), d('2026-05-01T10:05:01Z'));
    expect(window).toEqual({ from: d('2026-05-01T10:00:00Z'), to: d('2026-05-01T10:06:00Z') });
    expect(salesWindow(d('2026-05-01T10:00:00Z'), d('2026-05-01T10:05:00Z')).to).toEqual(d('2026-05-01T10:05:00Z'));
  });

  it('names `to` when the window is empty, reversed or longer than 400 days', () => {
    expect(codeAndMessage(() => salesWindow(d('2026-05-01T10:00:00Z'), d('2026-05-01T10:00:00Z')))).toEqual(['BAD_USER_INPUT', 'to: must be later than from']);
    expect(codeAndMessage(() => salesWindow(d('2026-05-02T00:00:00Z'), d('2026-05-01T00:00:00Z')))?.[1]).toMatch(/^to:/);
    expect(codeAndMessage(() => salesWindow(d('2025-01-01T00:00:00Z'), d('2026-02-05T00:00:01Z')))?.[1]).toBe('to: the window may span at most 400 days');
    expect(codeAndMessage(() => salesWindow(d('2025-01-01T00:00:00Z'), d('2026-02-05T00:00:00Z')))).toBeNull();
  });

  it('names `bucket` when there would be too many points', () => {
    expect(codeAndMessage(() => salesWindow(d('2026-05-01T00:00:00Z'), d('2026-05-02T00:00:01Z'), 'MINUTE'))?.[1]).toBe(
      'bucket: MINUTE buckets cover a window of at most 24 hours',
    );
    expect(codeAndMessage(() => salesWindow(d('2026-05-01T00:00:00Z'), d('2026-05-02T00:00:00Z'), 'MINUTE'))).toBeNull();
    expect(codeAndMessage(() => salesWindow(d('2026-05-01T00:00:00Z'), d('2026-06-01T00:00:01Z'), 'HOUR'))?.[1]).toBe(
      'bucket: HOUR buckets cover a window of at most 31 days',
    );
    expect(codeAndMessage(() => salesWindow(d('2025-05-01T00:00:00Z'), d('2026-05-01T00:00:00Z'), 'DAY'))).toBeNull();
  });

  it('compares with the window of equal length just before', () => {
    const window = salesWindow(d('2026-05-02T00:00:00Z'), d('2026-05-03T00:00:00Z'));
    expect(previousWindow(window)).toEqual({ from: d('2026-05-01T00:00:00Z'), to: d('2026-05-02T00:00:00Z') });
  });

  it('rounds the average order value to the minor unit and gives 0 without orders', () => {
    expect(averageOrderValue(1000, 3)).toBe(333);
    expect(averageOrderValue(1001, 2)).toBe(501);
    expect(averageOrderValue(0, 0)).toBe(0);
  });

  it('reports relative change, null without a previous value', () => {
    expect(relativeChange(150, 100)).toBe(0.5);
    expect(relativeChange(50, 100)).toBe(-0.5);
    expect(relativeChange(5, 0)).toBeNull();
  });
});
