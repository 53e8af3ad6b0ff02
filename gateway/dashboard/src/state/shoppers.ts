/** Who is in the store right now, as liveVisitors and funnelStats give it: each session in one stage. */
export interface Visitors {
  readonly activeSessions: number;
  readonly browsing: number;
  readonly withCart: number;
  readonly inCheckout: number;
  readonly purchased: number;
}

export type VisitorStage = 'browsing' | 'with-cart' | 'in-checkout' | 'purchased';

export interface StageShare {
  readonly stage: VisitorStage;
  readonly label: string;
  readonly sessions: number;
  /** Of all active sessions, 0..1; 0 when there are none. */
  readonly share: number;
}

/** The four exclusive stages of the visitors in the store, in the order shoppers move through them. */
export function stageShares(visitors: Visitors): StageShare[] {
  const total = visitors.activeSessions;
  const share = (sessions: number) => (total > 0 ? sessions / total : 0);
  return [
    { stage: 'browsing', label: 'Browsing', sessions: visitors.browsing, share: share(visitors.browsing) },
    { stage: 'with-cart', label: 'With a cart', sessions: visitors.withCart, share: share(visitors.withCart) },
    { stage: 'in-checkout', label: 'In checkout', sessions: visitors.inCheckout, share: share(visitors.inCheckout) },
    { stage: 'purchased', label: 'Purchased', sessions: visitors.purchased, share: share(visitors.purchased) },
  ];
}

export type FunnelStageName = 'SESSION' | 'PRODUCT_VIEW' | 'CART' | 'CHECKOUT' | 'PURCHASE';

export interface FunnelStep {
  readonly stage: FunnelStageName;
  readonly sessions: number;
  readonly conversionFromPrevious: number;
  readonly conversionFromStart: number;
}

export interface FunnelBar extends FunnelStep {
  readonly label: string;
  /** Bar length against the first step, 0..1. */
  readonly width: number;
  /** Sessions lost since the step before (0 for the first). */
  readonly dropped: number;
}

const stageLabels: Record<FunnelStageName, string> = {
  SESSION: 'Sessions',
  PRODUCT_VIEW: 'Viewed a product',
  CART: 'Added to cart',
  CHECKOUT: 'Started checkout',
  PURCHASE: 'Ordered',
};

const stageOrder: readonly FunnelStageName[] = ['SESSION', 'PRODUCT_VIEW', 'CART', 'CHECKOUT', 'PURCHASE'];

/** The funnel's steps in stage order, each a bar as long as its share of the sessions, with the drop-off before it. */
export function funnelBars(steps: readonly FunnelStep[]): FunnelBar[] {
  const ordered = [...steps].sort((a, b) => stageOrder.indexOf(a.stage) - stageOrder.indexOf(b.stage));
  const start = ordered[0]?.sessions ?? 0;
  return ordered.map((step, index) => ({
    ...step,
    label: stageLabels[step.stage],
    width: start > 0 ? Math.min(1, step.sessions / start) : 0,
    dropped: index === 0 ? 0 : Math.max(0, ordered[index - 1]!.sessions - step.sessions),
  }));
}
