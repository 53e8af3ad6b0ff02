import { describe, expect, it } from 'vitest';
import { cpuMsPerOperation, formatFigures, medianOfRounds, medianRoundRatio, sideOrder } from './rounds';

const round = (throughput: number, p50: number, p99: number, completed = 100, failed = 0, generatorCores = 0.5, serverCores = 0.9) => ({
  throughput,
  p50,
  p99,
  completed,
  failed,
  generatorCores,
  serverCores,
});

describe('rounds', () => {
  it('takes the median of each figure on its own', () => {
    const figures = medianOfRounds([round(300, 10, 90), round(100, 30, 40), round(200, 20, 70, 50, 2)]);
    expect(figures).toEqual({ throughput: 200, p50: 20, p99: 70, completed: 250, failed: 2, generatorCores: 0.5, serverCores: 0.9 });
  });

  it('is not pulled by one slow round as a mean would be', () => {
    expect(medianOfRounds([round(400, 5, 9), round(410, 5, 9), round(20, 500, 900)]).throughput).toBe(400);
  });

  it('lets the sides take turns going first', () => {
    expect(sideOrder(0, ['gateway', 'raw'])).toEqual(['gateway', 'raw']);
    expect(sideOrder(1, ['gateway', 'raw'])).toEqual(['raw', 'gateway']);
    expect(sideOrder(2, ['gateway', 'raw'])).toEqual(['gateway', 'raw']);
    expect([0, 1, 2, 3].map((round) => sideOrder(round, ['a', 'b', 'c']))).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['a', 'b', 'c'],
    ]);
  });

  it('prints a round on one line and a missing latency as a dash', () => {
    expect(formatFigures('round 1', 'gateway', round(412.345, 35.06, 120.44, 8246, 1, 0.314, 0.976), 'orders/s')).toBe(
      'round 1  gateway         412.3 orders/s  p50    35.1 ms  p99   120.4 ms  CPU: RTC 0.98 generator 0.31 cores  (8246 ok, 1 failed)',
    );
    const unknown = formatFigures('median', 'raw', round(0, Number.NaN, Number.NaN, 0, 5, 0.5, Number.NaN), 'orders/s');
    expect(unknown).toContain('p50       - ms');
    expect(unknown).toContain('RTC    -');
  });

  it('turns cores and throughput into CPU per operation', () => {
    expect(cpuMsPerOperation(0.98, 245)).toBeCloseTo(4, 5);
    expect(cpuMsPerOperation(0.5, 0)).toBeNaN();
  });

  it('pairs rounds for the ratio, so a slow spell hitting both sides cancels out', () => {
    const on = [round(100, 1, 1), round(49, 1, 1), round(98, 1, 1)];
    const off = [round(100, 1, 1), round(50, 1, 1), round(100, 1, 1)];
    expect(medianRoundRatio(on, off)).toBeCloseTo(0.98, 5);
    expect(medianRoundRatio(on, off.slice(0, 1))).toBe(1);
  });
});
