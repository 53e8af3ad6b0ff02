import { badInput, type Money, type SqlRunner } from '@rtc/service-kit';
import type { TimeWindow } from './time-window';

/** A cart counts as abandoned when its customer placed no order within this long after its last addition. */
export const abandonmentDelayMs = 3_600_000;
export const maxTopProducts = 50;

export interface AbandonedProductFigures {
  readonly productId: string;
  readonly carts: number;
  readonly units: number;
}

export interface CartAbandonment {
  readonly from: Date;
  readonly to: Date;
  readonly carts: number;
  readonly abandoned: number;
  readonly abandonmentRate: number;
  readonly abandonedValue: Money;
  readonly topProducts: AbandonedProductFigures[];
}

// Every session's last addition to the cart, when it falls in the window and is old enough to be judged, and
// whether its customer ordered within the hour after it.
const judgedCarts = `
  WITH carts AS (
    SELECT session_id, MAX(occurred_at) AS last_add
      FROM behaviour_events
     WHERE kind = 'ADDED_TO_CART' AND occurred_at >= ?
     GROUP BY session_id
    HAVING last_add < ?
  ),
  judged AS (
    SELECT c.session_id, c.last_add,
           NOT EXISTS (SELECT 1 FROM sessions s JOIN order_facts o ON o.user_id = s.user_id
                        WHERE s.session_id = c.session_id AND o.placed_at >= c.last_add
                          AND o.placed_at < c.last_add + INTERVAL ${abandonmentDelayMs / 1000} SECOND) AS abandoned
      FROM carts c
  )`;

export function validateTopProductsLimit(limit: number | null | undefined): number {
  const value = limit ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > maxTopProducts) throw badInput('limit', `must be between 1 and ${maxTopProducts}`);
  return value;
}

/** Carts abandoned in the window, from raw events (so within the retention period) and the order facts. */
export async function cartAbandonment(runner: SqlRunner, window: TimeWindow, limit: number, currency: string, now = new Date()): Promise<CartAbandonment> {
  const judgeableUntil = new Date(Math.min(window.to.getTime(), now.getTime() - abandonmentDelayMs));
  const params = [window.from, judgeableUntil];
  const [totals] = await runner.run<{ carts: number | string; abandoned: number | string | null; value: number | string | null }[]>(
    `${judgedCarts}
     SELECT COUNT(*) AS carts, SUM(j.abandoned) AS abandoned,
            SUM(IF(j.abandoned, (SELECT e.cart_amount FROM behaviour_events e
                                  WHERE e.session_id = j.session_id AND e.cart_amount IS NOT NULL AND e.cart_currency = ?
                                  ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1), 0)) AS value
       FROM judged j`,
    [...params, currency],
  );
  const products = await runner.run<{ product_id: number; carts: number | string; units: number | string }[]>(
    `${judgedCarts}
     SELECT e.product_id, COUNT(DISTINCT e.session_id) AS carts, SUM(e.quantity) AS units
       FROM judged j JOIN behaviour_events e ON e.session_id = j.session_id AND e.kind = 'ADDED_TO_CART'
      WHERE j.abandoned
      GROUP BY e.product_id
      ORDER BY carts DESC, units DESC, e.product_id
      LIMIT ?`,
    [...params, limit],
  );
  const carts = Number(totals?.carts ?? 0);
  const abandoned = Number(totals?.abandoned ?? 0);
  return {
    from: window.from,
    to: window.to,
    carts,
    abandoned,
    abandonmentRate: carts > 0 ? abandoned / carts : 0,
    abandonedValue: { amount: Number(totals?.value ?? 0), currency },
    topProducts: products.map((row) => ({ productId: String(row.product_id), carts: Number(row.carts), units: Number(row.units) })),
  };
}
