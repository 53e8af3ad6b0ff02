import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './single-flight';

describe('single flight', () => {
  it('runs concurrent calls with one key once and gives all of them its result', async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    let finish!: (value: number) => void;
    const run = () => {
      runs += 1;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const calls = [flight('k', run), flight('k', run), flight('k', run)];
    finish(42);
    expect(await Promise.all(calls)).toEqual([42, 42, 42]);
    expect(runs).toBe(1);
  });

  it('keeps different keys apart and runs again once the first run settled, also after a failure', async () => {
    const flight = createSingleFlight<string>();
    expect(await Promise.all([flight('a', async () => 'a'), flight('b', async () => 'b')])).toEqual(['a', 'b']);
    await expect(flight('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await flight('a', async () => 'again')).toBe('again');
  });
});
