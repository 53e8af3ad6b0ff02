import { describe, expect, it } from 'vitest';
import { funnelStepsOf } from './funnel-steps';

describe('funnelStepsOf', () => {
  it('gives each stage its conversion from the previous stage and from the start', () => {
    expect(funnelStepsOf([200, 100, 20, 10, 5])).toEqual([
      { stage: 'SESSION', sessions: 200, conversionFromPrevious: 1, conversionFromStart: 1 },
      { stage: 'PRODUCT_VIEW', sessions: 100, conversionFromPrevious: 0.5, conversionFromStart: 0.5 },
      { stage: 'CART', sessions: 20, conversionFromPrevious: 0.2, conversionFromStart: 0.1 },
      { stage: 'CHECKOUT', sessions: 10, conversionFromPrevious: 0.5, conversionFromStart: 0.05 },
      { stage: 'PURCHASE', sessions: 5, conversionFromPrevious: 0.5, conversionFromStart: 0.025 },
    ]);
  });

  it('answers 0 where a ratio has no base', () => {
    expect(funnelStepsOf([0, 0, 0, 0, 0]).map((step) => [step.conversionFromPrevious, step.conversionFromStart])).toEqual([
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});
