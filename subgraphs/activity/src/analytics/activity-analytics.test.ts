import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BehaviourEventKind } from '../db/schema';
import { asAnalyst, asUser, startTestActivity, type SeedEvent, type SeedOrder, type TestActivity } from '../testing';

// A zone without clock changes, so plain SQL can shift by a constant offset; days start at 18:30 UTC.
const timeZone = 'Asia/Kolkata';
const offset = 'INTERVAL 330 MINUTE';
const hour = 3_600_000;
const day = 24 * hour;
// Local midnight (18:30 UTC the day before), 40 days back: the seeded history spans 35 days from it.
const start = Math.floor((Date.now() - 40 * day) / day) * day - 5.5 * hour;
const windowFrom = new Date(start + 3 * day);
const windowTo = new Date(start + 31 * day);

let activity: TestActivity;

/** mulberry32: the same store on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

beforeAll(async () => {
  activity = await startTestActivity({ storeTimeZone: timeZone });
  const next = random(14);
  const pick = (n: number) => Math.floor(next() * n);
  const events: SeedEvent[] = [];
  const orders: SeedOrder[] = [];
  let orderId = 1;
  for (let index = 0; index < 400; index += 1) {
    const sessionId = `seeded-session-${index}`;
    const userId = next() < 0.6 ? 1 + pick(60) : null;
    let at = start + pick(35 * day);
    const add = (kind: BehaviourEventKind, extra: Partial<SeedEvent> = {}) => {
      events.push({ sessionId, kind, occurredAt: new Date(at), userId, ...extra });
      at += 1 + pick(5 * 60_000);
    };
    add('SESSION_STARTED');
    if (next() < 0.3) add('SEARCHED');
    if (next() < 0.75) for (let views = 1 + pick(4); views > 0; views -= 1) add('PRODUCT_VIEWED', { productId: 1 + pick(8) });
    else continue;
    if (next() < 0.45) {
      let value = 0;
      for (let adds = 1 + pick(3); adds > 0; adds -= 1) {
        const quantity = 1 + pick(3);
        value += quantity * 1_250;
        add('ADDED_TO_CART', { productId: 1 + pick(8), quantity, cartAmount: next() < 0.8 ? value : null });
      }
      if (next() < 0.5) add('CHECKOUT_STARTED', { cartAmount: value });
      // Some orders land within the hour after the last event, some just after it, some never.
      if (userId !== null && next() < 0.6) {
        const status = (['PENDING', 'PAID', 'PAID', 'DELIVERED', 'CANCELLED'] as const)[pick(5)];
        orders.push({ orderId: orderId++, userId, placedAt: new Date(at + pick(80 * 60_000)), amount: value, status });
      }
    }
  }
  // Orders placed without a tracked session: repeat buyers across weeks, for retention and daily figures.
  for (let index = 0; index < 250; index += 1) {
    const status = (['PENDING', 'PAID', 'PAID', 'SHIPPED', 'CANCELLED'] as const)[pick(5)];
    orders.push({ orderId: orderId++, userId: 1 + pick(80), placedAt: new Date(start + pick(35 * day)), amount: 500 + pick(20_000), status });
  }
  await activity.seedEvents(events);
  for (const order of orders) await activity.publishOrder(order);
});

afterAll(async () => {
  await activity?.stop();
});

const range = { from: windowFrom.toISOString(), to: windowTo.toISOString() };

describe('behaviour analytics against plain SQL over the raw events and orders', () => {
  it('funnel counts each session at every stage up to its furthest, purchases from its customer’s orders', async () => {
    const result = await activity.call<{ funnel: { stage: string; sessions: number; conversionFromPrevious: number; conversionFromStart: number }[] }>(
      'query($from: DateTime!, $to: DateTime!) { funnel(from: $from, to: $to) { stage sessions conversionFromPrevious conversionFromStart } }',
      range,
      asAnalyst,
    );
    const [raw] = await activity.rows<Record<string, string>>(
      `SELECT COUNT(*) AS s0, SUM(stage >= 1 OR purchased) AS s1, SUM(stage >= 2 OR purchased) AS s2, SUM(stage >= 3 OR purchased) AS s3, SUM(purchased) AS s4
         FROM (SELECT per.stage,
                      (SELECT COUNT(*) FROM order_facts o WHERE o.user_id = per.user_id AND o.placed_at >= per.first_at
                          AND o.placed_at < per.last_at + INTERVAL 1 HOUR) > 0 AS purchased
                 FROM (SELECT session_id, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at, MAX(user_id) AS user_id,
                              MAX(CASE kind WHEN 'PRODUCT_VIEWED' THEN 1 WHEN 'ADDED_TO_CART' THEN 2 WHEN 'CHECKOUT_STARTED' THEN 3 ELSE 0 END) AS stage
                         FROM behaviour_events GROUP BY session_id) AS per
                WHERE per.first_at >= ? AND per.first_at < ?) AS sessions`,
      [windowFrom, windowTo],
    );
    const expected = ['s0', 's1', 's2', 's3', 's4'].map((key) => Number(raw![key]));
    expect(expected[4]).toBeGreaterThan(0);
    expect(result.data!.funnel.map((step) => step.sessions)).toEqual(expected);
    expect(result.data!.funnel[2]!.conversionFromPrevious).toBeCloseTo(expected[2]! / expected[1]!, 10);
    expect(result.data!.funnel[4]!.conversionFromStart).toBeCloseTo(expected[4]! / expected[0]!, 10);
  });

  it('cart abandonment finds carts with no order within the hour after the last addition, their value and products', async () => {
    const result = await activity.call<{
      cartAbandonment: {
        carts: number;
        abandoned: number;
        abandonmentRate: number;
        abandonedValue: { amount: number };
        topProducts: { product: { id: string }; carts: number; units: number }[];
      };
    }>(
      'query($from: DateTime!, $to: DateTime!) { cartAbandonment(from: $from, to: $to, limit: 5) { carts abandoned abandonmentRate abandonedValue { amount currency } topProducts { product { id } carts units } } }',
      range,
      asAnalyst,
    );
    const carts = `SELECT c.session_id, c.last_add,
                          (SELECT COUNT(*) FROM order_facts o
                            WHERE o.user_id = (SELECT MAX(u.user_id) FROM behaviour_events u WHERE u.session_id = c.session_id)
                              AND o.placed_at >= c.last_add AND o.placed_at < c.last_add + INTERVAL 1 HOUR) = 0 AS abandoned
                     FROM (SELECT session_id, MAX(occurred_at) AS last_add FROM behaviour_events WHERE kind = 'ADDED_TO_CART' GROUP BY session_id) AS c
                    WHERE c.last_add >= ? AND c.last_add < ?`;
    const [totals] = await activity.rows<{ carts: number; abandoned: string; value: string }>(
      `SELECT COUNT(*) AS carts, SUM(abandoned) AS abandoned,
              SUM(IF(abandoned, COALESCE((SELECT v.cart_amount FROM behaviour_events v WHERE v.session_id = carts.session_id AND v.cart_amount IS NOT NULL
                                           ORDER BY v.occurred_at DESC, v.id DESC LIMIT 1), 0), 0)) AS value
         FROM (${carts}) AS carts`,
      [windowFrom, windowTo],
    );
    const products = await activity.rows<{ product_id: number; carts: number; units: string }>(
      `SELECT e.product_id, COUNT(DISTINCT e.session_id) AS carts, SUM(e.quantity) AS units
         FROM behaviour_events e JOIN (${carts}) AS carts ON carts.session_id = e.session_id AND carts.abandoned
        WHERE e.kind = 'ADDED_TO_CART'
        GROUP BY e.product_id ORDER BY carts DESC, units DESC, e.product_id LIMIT 5`,
      [windowFrom, windowTo],
    );
    const figures = result.data!.cartAbandonment;
    expect(Number(totals!.abandoned)).toBeGreaterThan(0);
    expect(Number(totals!.abandoned)).toBeLessThan(totals!.carts);
    expect(figures).toMatchObject({ carts: totals!.carts, abandoned: Number(totals!.abandoned), abandonedValue: { amount: Number(totals!.value) } });
    expect(figures.abandonmentRate).toBeCloseTo(Number(totals!.abandoned) / totals!.carts, 10);
    expect(figures.topProducts).toEqual(products.map((row) => ({ product: { id: String(row.product_id) }, carts: row.carts, units: Number(row.units) })));
  });

  it('customer retention gives the returning rate and each weekly cohort’s share of buyers who came back', async () => {
    const result = await activity.call<{
      customerRetention: {
        customers: number;
        returningCustomers: number;
        returningRate: number;
        cohorts: { weekStart: string; customers: number; retention: number[] }[];
      };
    }>(
      'query($from: DateTime!, $to: DateTime!) { customerRetention(from: $from, to: $to) { customers returningCustomers returningRate cohorts { weekStart customers retention } } }',
      range,
      asAnalyst,
    );
    const [rate] = await activity.rows<{ customers: number; returning_customers: string }>(
      `SELECT COUNT(DISTINCT o.user_id) AS customers, COUNT(DISTINCT IF(f.first_at < ?, o.user_id, NULL)) AS returning_customers
         FROM order_facts o JOIN (SELECT user_id, MIN(placed_at) AS first_at FROM order_facts WHERE status <> 'CANCELLED' GROUP BY user_id) AS f USING (user_id)
        WHERE o.status <> 'CANCELLED' AND o.placed_at >= ? AND o.placed_at < ?`,
      [windowFrom, windowFrom, windowTo],
    );
    const week = (column: string) => `(DATE(${column} + ${offset}) - INTERVAL WEEKDAY(${column} + ${offset}) DAY)`;
    const firsts = `SELECT user_id, ${week('MIN(placed_at)')} AS cohort FROM order_facts WHERE status <> 'CANCELLED' GROUP BY user_id
                    HAVING MIN(placed_at) >= ? AND MIN(placed_at) < ?`;
    const cohorts = await activity.rows<{ cohort: string; customers: number; weeks: number }>(
      `SELECT DATE_FORMAT(cohort, '%Y-%m-%d') AS cohort, COUNT(*) AS customers, DATEDIFF(${week('?')}, cohort) DIV 7 AS weeks
         FROM (${firsts}) AS firsts GROUP BY cohort ORDER BY cohort`,
      [new Date(windowTo.getTime() - 1), new Date(windowTo.getTime() - 1), windowFrom, windowTo],
    );
    const returns = await activity.rows<{ cohort: string; k: number; customers: number }>(
      `SELECT DATE_FORMAT(firsts.cohort, '%Y-%m-%d') AS cohort, DATEDIFF(${week('o.placed_at')}, firsts.cohort) DIV 7 AS k, COUNT(DISTINCT o.user_id) AS customers
         FROM (${firsts}) AS firsts JOIN order_facts o ON o.user_id = firsts.user_id AND o.status <> 'CANCELLED' AND o.placed_at < ?
        WHERE ${week('o.placed_at')} > firsts.cohort
        GROUP BY 1, 2`,
      [windowFrom, windowTo, windowTo],
    );
    const expectedCohorts = cohorts.map((cohort) => ({
      // Local midnight of the cohort's Monday, as an instant.
      weekStart: new Date(Date.parse(`${cohort.cohort}T00:00:00+05:30`)).toISOString(),
      customers: cohort.customers,
      retention: Array.from({ length: cohort.weeks }, (_, index) => {
        const back = returns.find((row) => row.cohort === cohort.cohort && row.k === index + 1)?.customers ?? 0;
        return back / cohort.customers;
      }),
    }));
    const figures = result.data!.customerRetention;
    expect(Number(rate!.returning_customers)).toBeGreaterThan(0);
    expect(figures).toMatchObject({ customers: rate!.customers, returningCustomers: Number(rate!.returning_customers) });
    expect(figures.returningRate).toBeCloseTo(Number(rate!.returning_customers) / rate!.customers, 10);
    expect(expectedCohorts.some((cohort) => cohort.retention.some((share) => share > 0))).toBe(true);
    expect(figures.cohorts).toEqual(expectedCohorts.map((cohort) => ({ ...cohort, retention: cohort.retention.map((share) => expect.closeTo(share, 10)) })));
  });

  it('daily order figures follow the store’s days: orders, customers, orders per customer and net average order value', async () => {
    const result = await activity.call<{
      dailyOrderStats: {
        day: string;
        start: string;
        orders: number;
        customers: number;
        ordersPerCustomer: number;
        netOrders: number;
        netRevenue: { amount: number };
        averageOrderValue: { amount: number };
      }[];
    }>(
      'query($from: DateTime!, $to: DateTime!) { dailyOrderStats(from: $from, to: $to) { day start orders customers ordersPerCustomer netOrders netRevenue { amount } averageOrderValue { amount } } }',
      range,
      asAnalyst,
    );
    const rows = await activity.rows<{ day: string; orders: number; customers: number; net_orders: string; net_revenue: string }>(
      `SELECT DATE_FORMAT(DATE(placed_at + ${offset}), '%Y-%m-%d') AS day, COUNT(*) AS orders, COUNT(DISTINCT user_id) AS customers,
              SUM(paid AND status <> 'CANCELLED') AS net_orders, SUM(IF(paid AND status <> 'CANCELLED', total_amount, 0)) AS net_revenue
         FROM order_facts WHERE placed_at >= ? AND placed_at < ? GROUP BY 1`,
      [windowFrom, windowTo],
    );
    const days = result.data!.dailyOrderStats;
    expect(days).toHaveLength(28);
    expect(days[0]).toMatchObject({ start: windowFrom.toISOString() });
    for (const figures of days) {
      const raw = rows.find((row) => row.day === figures.day);
      const netOrders = Number(raw?.net_orders ?? 0);
      const netRevenue = Number(raw?.net_revenue ?? 0);
      expect(figures).toMatchObject({
        orders: raw?.orders ?? 0,
        customers: raw?.customers ?? 0,
        netOrders,
        netRevenue: { amount: netRevenue },
        averageOrderValue: { amount: netOrders > 0 ? Math.round(netRevenue / netOrders) : 0 },
      });
      expect(figures.ordersPerCustomer).toBeCloseTo(raw ? raw.orders / raw.customers : 0, 10);
    }
    expect(days.reduce((sum, figures) => sum + figures.orders, 0)).toBe(rows.reduce((sum, row) => sum + row.orders, 0));
  });

  it('is for staff only, and refuses windows the wrong way round or too long', async () => {
    const query = 'query($from: DateTime!, $to: DateTime!) { funnel(from: $from, to: $to) { stage } }';
    expect((await activity.call(query, range, asUser('CUSTOMER', '5'))).errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const backwards = await activity.call(query, { from: range.to, to: range.from }, asAnalyst);
    expect(backwards.errors?.[0]).toMatchObject({ message: 'to: must be after from', extensions: { code: 'BAD_USER_INPUT' } });
    const tooLong = await activity.call(query, { from: new Date(start - 200 * day).toISOString(), to: range.to }, asAnalyst);
    expect(tooLong.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
