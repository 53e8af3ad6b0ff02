import { describe, expect, it } from 'vitest';
import { parseActivityBenchOptions, UsageError } from './options';

const parse = (...argv: string[]) => parseActivityBenchOptions(argv, {})!;

describe('activity benchmark options', () => {
  it('defaults to 20 orders/s beside events rising from 1,000 to 10,000 a second', () => {
    expect(parse()).toMatchObject({ checkoutRate: 20, steps: [1_000, 2_500, 5_000, 7_500, 10_000], phaseSeconds: 15, topology: 'process-per-service' });
  });

  it('reads rates, phases and the topology', () => {
    expect(parse('--checkout-rate', '10', '--steps', '500, 2000', '--phase', '5', '--topology', 'single-process')).toMatchObject({
      checkoutRate: 10,
      steps: [500, 2_000],
      phaseSeconds: 5,
      topology: 'single-process',
    });
  });

  it('refuses what it cannot measure and names the option', () => {
    expect(() => parse('--steps', '1000,fast')).toThrow(/--steps/);
    expect(() => parse('--steps', '1,2,3,4,5,6,7,8,9,10', '--phase', '30')).toThrow(/270 s/);
    expect(() => parse('--topology', 'cluster')).toThrow(UsageError);
    expect(() => parseActivityBenchOptions([], { DATABASE_URL: 'mysql://root@db.example.com' })).toThrow(/this machine/);
    expect(parseActivityBenchOptions(['--help'], {})).toBeNull();
  });
});
