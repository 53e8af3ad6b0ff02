import { describe, expect, it } from 'vitest';
import { parseBenchOptions, UsageError } from './bench-options';

const defaults = { concurrency: 16, durationSeconds: 20, rounds: 3, warmupSeconds: 3, topology: 'single-process' } as const;

describe('bench options', () => {
  it('takes the defaults and the local database when given nothing', () => {
    expect(parseBenchOptions([], {}, defaults)).toEqual({ ...defaults, rampSeconds: 0, databaseUrl: 'mysql://root@127.0.0.1:3306/', profileDir: undefined });
    expect(parseBenchOptions([], {}, { ...defaults, rampSeconds: 5 })?.rampSeconds).toBe(5);
  });

  it('reads every flag', () => {
    const options = parseBenchOptions(
      ['--concurrency', '8', '--duration', '5', '--rounds', '1', '--warmup', '0', '--ramp', '2', '--profile', 'profiles'],
      {},
      defaults,
    );
    expect(options).toMatchObject({ concurrency: 8, durationSeconds: 5, rounds: 1, warmupSeconds: 0, rampSeconds: 2, profileDir: 'profiles' });
  });

  it('drops a database named in DATABASE_URL: each service picks its own', () => {
    expect(parseBenchOptions([], { DATABASE_URL: 'mysql://bench:secret@localhost:3307/rtc_orders' }, defaults)?.databaseUrl).toBe(
      'mysql://bench:secret@localhost:3307/',
    );
  });

  it('refuses a database on another machine', () => {
    expect(() => parseBenchOptions([], { DATABASE_URL: 'mysql://root@db.internal:3306' }, defaults)).toThrow(/127\.0\.0\.1/);
  });

  it('refuses counts that are not whole numbers above zero', () => {
    expect(() => parseBenchOptions(['--concurrency', '0'], {}, defaults)).toThrow(UsageError);
    expect(() => parseBenchOptions(['--duration', '2.5'], {}, defaults)).toThrow(/--duration/);
    expect(() => parseBenchOptions(['--rounds', 'many'], {}, defaults)).toThrow(UsageError);
  });

  it('refuses unknown flags and answers help with null', () => {
    expect(() => parseBenchOptions(['--rate', '5'], {}, defaults)).toThrow(UsageError);
    expect(parseBenchOptions(['--help'], {}, defaults)).toBeNull();
  });

  it('takes a base port and a database prefix of its own, so two runs can share a machine', () => {
    expect(parseBenchOptions(['--base-port', '4900', '--database-prefix', 'rtc_bench_2_'], {}, defaults)).toMatchObject({
      basePort: 4900,
      databasePrefix: 'rtc_bench_2_',
    });
    expect(parseBenchOptions([], {}, defaults)).toMatchObject({ basePort: undefined, databasePrefix: undefined });
    expect(() => parseBenchOptions(['--database-prefix', 'orders; drop'], {}, defaults)).toThrow(/--database-prefix/);
    expect(() => parseBenchOptions(['--base-port', '0'], {}, defaults)).toThrow(/--base-port/);
  });

  it('takes a topology, and refuses an unknown one', () => {
    expect(parseBenchOptions(['--topology', 'process-per-service'], {}, defaults)?.topology).toBe('process-per-service');
    expect(() => parseBenchOptions(['--topology', 'many'], {}, defaults)).toThrow(UsageError);
  });
});
