import type { SqlRunner } from '@rtc/service-kit';
import { sessionStage } from '../ingest/session-updates';
import { funnelStepsOf, type FunnelStep } from './funnel-steps';

/** How long after a session's last event an order of its customer still counts as its purchase. */
export const purchaseAttributionMs = 3_600_000;

interface FunnelCounts {
  sessions: number | string | null;
  product_view: number | string | null;
  cart: number | string | null;
  checkout: number | string | null;
  purchase: number | string | null;
}

/**
 * The funnel of the sessions that started in [from, to), read from the `sessions` rollup: a session reaches a stage
 * with its furthest event, and PURCHASE (with every stage before it) when its customer placed an order between its
 * start and an hour after its last event.
 */
export async function sessionFunnel(runner: SqlRunner, from: Date, to: Date): Promise<FunnelStep[]> {
  const [counts] = await runner.run<FunnelCounts[]>(
    `SELECT COUNT(*) AS sessions,
            SUM(purchased OR furthest_stage >= ${sessionStage.productView}) AS product_view,
            SUM(purchased OR furthest_stage >= ${sessionStage.cart}) AS cart,
            SUM(purchased OR furthest_stage >= ${sessionStage.checkout}) AS checkout,
            SUM(purchased) AS purchase
       FROM (SELECT s.furthest_stage,
                    EXISTS (SELECT 1 FROM order_facts o
                             WHERE o.user_id = s.user_id AND o.placed_at >= s.started_at
                               AND o.placed_at < s.last_seen_at + INTERVAL ${purchaseAttributionMs / 1000} SECOND) AS purchased
               FROM sessions s
              WHERE s.started_at >= ? AND s.started_at < ?) AS started`,
    [from, to],
  );
  const reached = [counts?.sessions, counts?.product_view, counts?.cart, counts?.checkout, counts?.purchase].map((value) => Number(value ?? 0));
  return funnelStepsOf(reached);
}
