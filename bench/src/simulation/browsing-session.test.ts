import { describe, expect, it } from 'vitest';
import { defaultBrowsingShape, funnelReach, planBrowsingSession, purchaseProbability, type BrowsableProduct, type PlannedSession } from './browsing-session';
import { createRandom } from './random';
import { createWeightedPicker, zipfWeights } from './weighted';

const catalog: BrowsableProduct[] = Array.from({ length: 200 }, (_, index) => ({ id: `p${index + 1}`, price: 500 + index * 10, currency: 'USD' }));
const priceOf = new Map(catalog.map((product) => [product.id, product.price]));

function planMany(count: number, seed = 42, shape = defaultBrowsingShape): PlannedSession[] {
  const random = createRandom(seed);
  const pick = createWeightedPicker(zipfWeights(catalog.length), random);
  return Array.from({ length: count }, () => planBrowsingSession(random, shape, () => catalog[pick()]!));
}

const stages = ['SESSION', 'PRODUCT_VIEW', 'CART', 'CHECKOUT', 'PURCHASE'] as const;

/** Sessions that reached each stage or a later one, as a funnel counts them. */
function funnelOf(sessions: readonly PlannedSession[]): Record<(typeof stages)[number], number> {
  const reached = sessions.map((session) => stages.indexOf(funnelReach(session)));
  return Object.fromEntries(stages.map((stage, index) => [stage, reached.filter((reach) => reach >= index).length])) as Record<(typeof stages)[number], number>;
}

describe('browsing sessions', () => {
  const sessions = planMany(20_000);
  const funnel = funnelOf(sessions);

  it('narrows like a real store: most view a few products and leave, some fill a cart, fewer check out and buy', () => {
    const share = (stage: keyof typeof funnel, of: keyof typeof funnel) => funnel[stage] / funnel[of];
    expect(share('PRODUCT_VIEW', 'SESSION')).toBeGreaterThan(0.6);
    expect(share('PRODUCT_VIEW', 'SESSION')).toBeLessThan(0.8);
    expect(share('CART', 'PRODUCT_VIEW')).toBeGreaterThan(0.17);
    expect(share('CART', 'PRODUCT_VIEW')).toBeLessThan(0.27);
    expect(share('CHECKOUT', 'CART')).toBeGreaterThan(0.45);
    expect(share('CHECKOUT', 'CART')).toBeLessThan(0.65);
    expect(share('PURCHASE', 'CHECKOUT')).toBeGreaterThan(0.55);
    expect(share('PURCHASE', 'CHECKOUT')).toBeLessThan(0.75);
    // Each stage strictly smaller than the one before: the funnel's shape.
    for (let index = 1; index < stages.length; index++) expect(funnel[stages[index]!]).toBeLessThan(funnel[stages[index - 1]!]);
  });

  it('buys in about the share the shape promises, which is what the simulator derives its session rate from', () => {
    const bought = sessions.filter((session) => session.order !== null).length / sessions.length;
    expect(bought).toBeGreaterThan(purchaseProbability(defaultBrowsingShape) * 0.85);
    expect(bought).toBeLessThan(purchaseProbability(defaultBrowsingShape) * 1.15);
  });

  it('views about the mean number of products per viewing session, never none and never an endless list', () => {
    const viewing = sessions.filter((session) => session.steps.some((step) => step.kind === 'PRODUCT_VIEWED'));
    const views = viewing.map((session) => session.steps.filter((step) => step.kind === 'PRODUCT_VIEWED').length);
    const mean = views.reduce((sum, count) => sum + count, 0) / views.length;
    expect(mean).toBeGreaterThan(defaultBrowsingShape.meanProductViews * 0.85);
    expect(mean).toBeLessThan(defaultBrowsingShape.meanProductViews * 1.1);
    expect(Math.min(...views)).toBe(1);
    expect(Math.max(...views)).toBeLessThanOrEqual(15);
  });

  it('starts every session first and keeps its steps in time order, the order ending them', () => {
    for (const session of sessions.slice(0, 2_000)) {
      expect(session.steps[0]).toMatchObject({ kind: 'SESSION_STARTED', afterMs: 0 });
      expect(session.steps.filter((step) => step.kind === 'SESSION_STARTED')).toHaveLength(1);
      const times = session.steps.map((step) => step.afterMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      if (session.orderAfterMs !== null) expect(session.orderAfterMs).toBeGreaterThanOrEqual(times.at(-1)!);
    }
  });

  it('puts only viewed products in the cart, orders exactly the cart and carries its running value', () => {
    for (const session of sessions.filter((candidate) => candidate.order)) {
      const viewed = new Set(session.steps.filter((step) => step.kind === 'PRODUCT_VIEWED').map((step) => step.productId));
      const added = session.steps.filter((step) => step.kind === 'ADDED_TO_CART');
      expect(added.every((step) => viewed.has(step.productId))).toBe(true);
      expect(session.order!.map((line) => [line.productId, line.quantity])).toEqual(added.map((step) => [step.productId, step.quantity]));
      const value = session.order!.reduce((sum, line) => sum + priceOf.get(line.productId)! * line.quantity, 0);
      expect(added.at(-1)!.cartValue).toEqual({ amount: value, currency: 'USD' });
      expect(session.steps.find((step) => step.kind === 'CHECKOUT_STARTED')!.cartValue).toEqual({ amount: value, currency: 'USD' });
      expect(new Set(session.order!.map((line) => line.productId)).size).toBe(session.order!.length);
    }
  });

  it('repeats the same sessions from the same seed', () => {
    expect(planMany(50, 7)).toEqual(planMany(50, 7));
    expect(planMany(50, 7)).not.toEqual(planMany(50, 8));
  });

  it('follows a changed shape: nobody buys when nobody checks out', () => {
    const closed = funnelOf(planMany(2_000, 1, { ...defaultBrowsingShape, checkoutRate: 0 }));
    expect(closed.CART).toBeGreaterThan(0);
    expect(closed.CHECKOUT).toBe(0);
    expect(closed.PURCHASE).toBe(0);
  });
});
