import { runnerOn, type Pool } from '@rtc/service-kit';
import { sessionStage } from '../ingest/session-updates';
import { sessionFunnel } from '../analytics/session-funnel';
import type { FunnelStep } from '../analytics/funnel-steps';
import { validateFunnelWindow } from './live-window';

/** A session is in the store while its last event is this recent. */
export const activeSessionMs = 5 * 60_000;
/** A session counts as purchased while its customer's order is this recent. */
export const recentPurchaseMs = 10 * 60_000;

export interface LiveVisitors {
  readonly at: Date;
  readonly activeSessions: number;
  readonly browsing: number;
  readonly withCart: number;
  readonly inCheckout: number;
  readonly purchased: number;
}

export interface FunnelStats {
  readonly at: Date;
  readonly windowSeconds: number;
  readonly visitors: LiveVisitors;
  readonly steps: FunnelStep[];
}

export interface LiveActivity {
  visitors(now?: Date): Promise<LiveVisitors>;
  funnel(windowSeconds: number, now?: Date): Promise<FunnelStats>;
}

interface StageCounts {
  browsing: string | number | null;
  with_cart: string | number | null;
  in_checkout: string | number | null;
  purchased: string | number | null;
}

export function createLiveActivity(pool: Pool): LiveActivity {
  const runner = runnerOn(pool);

  const visitors = async (now = new Date()): Promise<LiveVisitors> => {
    const activeSince = new Date(now.getTime() - activeSessionMs);
    const purchasedSince = new Date(now.getTime() - recentPurchaseMs);
    // Stages are exclusive: purchased first, then the furthest stage the session's own events reached.
    const [counts] = await runner.run<StageCounts[]>(
      `SELECT SUM(NOT purchased AND furthest_stage < ${sessionStage.cart}) AS browsing,
              SUM(NOT purchased AND furthest_stage = ${sessionStage.cart}) AS with_cart,
              SUM(NOT purchased AND furthest_stage >= ${sessionStage.checkout}) AS in_checkout,
              SUM(purchased) AS purchased
         FROM (SELECT s.last_seen_at, s.furthest_stage,
                      s.user_id IS NOT NULL AND EXISTS (SELECT 1 FROM order_facts o
                                 WHERE o.user_id = s.user_id AND o.placed_at >= ? AND o.placed_at >= s.started_at) AS purchased
                 FROM sessions s
                WHERE s.last_seen_at >= ?) AS recent
        WHERE purchased OR last_seen_at >= ?`,
      [purchasedSince, purchasedSince, activeSince],
    );
    const browsing = Number(counts?.browsing ?? 0);
    const withCart = Number(counts?.with_cart ?? 0);
    const inCheckout = Number(counts?.in_checkout ?? 0);
    const purchased = Number(counts?.purchased ?? 0);
    return { at: now, activeSessions: browsing + withCart + inCheckout + purchased, browsing, withCart, inCheckout, purchased };
  };

  return {
    visitors,
    async funnel(windowSeconds, now = new Date()) {
      validateFunnelWindow(windowSeconds);
      const [current, steps] = await Promise.all([visitors(now), sessionFunnel(runner, new Date(now.getTime() - windowSeconds * 1000), now)]);
      return { at: now, windowSeconds, visitors: current, steps };
    },
  };
}
