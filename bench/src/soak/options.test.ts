import { describe, expect, it } from 'vitest';
import { parseSoakOptions, UsageError } from './options';

const parse = (argv: string[], env: Record<string, string> = {}) => parseSoakOptions(argv, env)!;

describe('soak options', () => {
  it('runs ten minutes with a report a minute, 500 subscribers and the storefront mix by default', () => {
    expect(parse([])).toEqual({
      durationSeconds: 600,
      intervalSeconds: 60,
      subscribers: 500,
      checkoutRate: 5,
      readRate: 30,
      payShare: 0.8,
      drainSeconds: 60,
      basePort: 4300,
      databaseUrl: 'mysql://root@127.0.0.1:3306/',
    });
  });

  it('reads durations as 10m, 90s, 1h or plain seconds', () => {
    expect(parse(['--duration', '10m']).durationSeconds).toBe(600);
    expect(parse(['--duration', '90s']).durationSeconds).toBe(90);
    expect(parse(['--duration', '13m', '--interval', '5m']).intervalSeconds).toBe(300);
    expect(parse(['--duration', '120', '--interval', '20s', '--drain', '2m'])).toMatchObject({ durationSeconds: 120, intervalSeconds: 20, drainSeconds: 120 });
  });

  it('names the option of a bad duration', () => {
    expect(() => parse(['--duration', '10 minutes'])).toThrow(UsageError);
    expect(() => parse(['--duration', '10 minutes'])).toThrow(/--duration: "10 minutes"/);
    expect(() => parse(['--interval', '-5s'])).toThrow(/--interval/);
    expect(() => parse(['--duration', '0s'])).toThrow(/more than zero/);
    expect(() => parse(['--duration', '30s', '--interval', '1m'])).toThrow(/--interval \(60 s\) is longer than --duration \(30 s\)/);
  });

  it('keeps the run inside the life of the access tokens it logged in with', () => {
    expect(parse(['--duration', '13m', '--drain', '60s']).durationSeconds).toBe(780);
    expect(() => parse(['--duration', '1h'])).toThrow(/may take 14 minutes/);
    expect(() => parse(['--duration', '13m', '--drain', '90s'])).toThrow(/may take 14 minutes/);
  });

  it('reads counts and rates, and refuses values out of range', () => {
    expect(parse(['--subscribers', '2000', '--checkout-rate', '12.5', '--read-rate', '0', '--pay-share', '1', '--base-port', '4500'])).toMatchObject({
      subscribers: 2000,
      checkoutRate: 12.5,
      readRate: 0,
      payShare: 1,
      basePort: 4500,
    });
    expect(() => parse(['--subscribers', '1.5'])).toThrow(/--subscribers: "1.5" must be a whole number/);
    expect(() => parse(['--pay-share', '2'])).toThrow(/--pay-share/);
    expect(() => parse(['--checkout-rate', ''])).toThrow(/--checkout-rate/);
    expect(() => parse(['--base-port', '80'])).toThrow(/--base-port/);
  });

  it('refuses unknown options and a database on another machine, and answers --help with null', () => {
    expect(() => parse(['--minutes', '10'])).toThrow(UsageError);
    expect(() => parse([], { DATABASE_URL: 'mysql://root@db.example.com:3306' })).toThrow(/must point at this machine/);
    expect(parse([], { DATABASE_URL: 'mysql://bench:secret@127.0.0.1:3307/anything' }).databaseUrl).toBe('mysql://bench:secret@127.0.0.1:3307/');
    expect(parseSoakOptions(['--help'], {})).toBeNull();
  });
});
