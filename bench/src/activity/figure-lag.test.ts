import { describe, expect, it } from 'vitest';
import { createFigureLag } from './figure-lag';

describe('live figure lag', () => {
  it('times each batch from its sending to the first figure that counts it', () => {
    const lag = createFigureLag(100);
    lag.sent(20, 1_000);
    lag.sent(40, 1_100);
    lag.sent(60, 1_200);
    lag.observed(110, 1_300);
    expect(lag.samples).toEqual([]);
    lag.observed(140, 1_500);
    expect(lag.samples).toEqual([500, 400]);
    expect(lag.behind).toBe(1);
    lag.observed(175, 2_200);
    expect(lag.samples).toEqual([500, 400, 1_000]);
    expect(lag.behind).toBe(0);
  });

  it('keeps a batch pending while the figure never reaches it, as when a batch was lost', () => {
    const lag = createFigureLag(0);
    lag.sent(20, 0);
    lag.sent(40, 10);
    lag.observed(39, 5_000);
    expect(lag.samples).toEqual([5_000]);
    expect(lag.behind).toBe(1);
  });
});
