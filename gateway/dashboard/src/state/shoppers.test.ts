import { describe, expect, it } from 'vitest';
import { funnelBars, stageShares } from './shoppers';

describe('shoppers right now', () => {
  it('splits the active sessions into their four stages, in the order shoppers move', () => {
    const shares = stageShares({ activeSessions: 20, browsing: 12, withCart: 4, inCheckout: 3, purchased: 1 });
    expect(shares.map((share) => [share.stage, share.sessions, share.share])).toEqual([
      ['browsing', 12, 0.6],
      ['with-cart', 4, 0.2],
      ['in-checkout', 3, 0.15],
      ['purchased', 1, 0.05],
    ]);
  });

  it('shows empty bars, not a division by zero, when nobody is in the store', () => {
    expect(stageShares({ activeSessions: 0, browsing: 0, withCart: 0, inCheckout: 0, purchased: 0 }).every((share) => share.share === 0)).toBe(true);
  });
});

describe('funnel bars', () => {
  const step = (stage: 'SESSION' | 'PRODUCT_VIEW' | 'CART' | 'CHECKOUT' | 'PURCHASE', sessions: number, fromPrevious: number, fromStart: number) => ({
    stage,
    sessions,
    conversionFromPrevious: fromPrevious,
    conversionFromStart: fromStart,
  });

  it('orders the steps by stage and sizes each against the sessions, with the drop-off before it', () => {
    const bars = funnelBars([
      step('CART', 20, 0.25, 0.1),
      step('SESSION', 200, 1, 1),
      step('PRODUCT_VIEW', 80, 0.4, 0.4),
      step('PURCHASE', 5, 0.5, 0.025),
      step('CHECKOUT', 10, 0.5, 0.05),
    ]);
    expect(bars.map((bar) => bar.stage)).toEqual(['SESSION', 'PRODUCT_VIEW', 'CART', 'CHECKOUT', 'PURCHASE']);
    expect(bars.map((bar) => bar.width)).toEqual([1, 0.4, 0.1, 0.05, 0.025]);
    expect(bars.map((bar) => bar.dropped)).toEqual([0, 120, 60, 10, 5]);
    expect(bars[2]!.label).toBe('Added to cart');
  });

  it('draws no bar when the window had no session', () => {
    expect(funnelBars([step('SESSION', 0, 1, 0), step('PURCHASE', 0, 0, 0)]).map((bar) => bar.width)).toEqual([0, 0]);
  });
});
