import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAnalyst, asUser, startTestActivity, trackEventsMutation, type TestActivity } from '../testing';

let activity: TestActivity;

beforeAll(async () => {
  activity = await startTestActivity();
});

afterAll(async () => {
  await activity?.stop();
});

const visitorsQuery = '{ liveVisitors { activeSessions browsing withCart inCheckout purchased } }';
const event = (sessionId: string, kind: string, minutesAgo = 0, extra: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  kind,
  sessionId,
  occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  ...(kind === 'PRODUCT_VIEWED' || kind === 'ADDED_TO_CART' ? { productId: '3' } : {}),
  ...(kind === 'ADDED_TO_CART' ? { quantity: 1 } : {}),
  ...extra,
});

describe('live visitors', () => {
  it('splits the sessions of the last 5 minutes by their furthest stage, and counts recent purchases apart', async () => {
    const track = (events: unknown[], headers = asUser('CUSTOMER', '500')) => activity.call(trackEventsMutation, { input: { events } }, headers);
    await track([event('live-browsing-1', 'SESSION_STARTED'), event('live-browsing-1', 'PRODUCT_VIEWED')], asAnalyst);
    await track([event('live-browsing-2', 'SEARCHED', 1, { searchQuery: 'lamp' })], asAnalyst);
    await track([event('live-cart-1', 'PRODUCT_VIEWED', 2), event('live-cart-1', 'ADDED_TO_CART', 1)], asAnalyst);
    await track([event('live-checkout-1', 'ADDED_TO_CART', 3), event('live-checkout-1', 'CHECKOUT_STARTED', 2)], asUser('CUSTOMER', '501'));
    await track([event('live-bought-1', 'ADDED_TO_CART', 8), event('live-bought-1', 'CHECKOUT_STARTED', 7)], asUser('CUSTOMER', '502'));
    // Gone: its last event is 6 minutes old.
    await track([event('live-left-1', 'ADDED_TO_CART', 6)], asAnalyst);
    await activity.publishOrder({ orderId: 9_001, userId: 502, placedAt: new Date(Date.now() - 6 * 60_000), amount: 1_000 });
    // An order older than 10 minutes is no longer a live purchase.
    await activity.publishOrder({ orderId: 9_002, userId: 501, placedAt: new Date(Date.now() - 11 * 60_000), amount: 1_000 });

    const result = await activity.call<{ liveVisitors: Record<string, number> }>(visitorsQuery, {}, asAnalyst);
    expect(result.data?.liveVisitors).toEqual({ activeSessions: 5, browsing: 2, withCart: 1, inCheckout: 1, purchased: 1 });

    const metrics = await fetch(`${activity.service.url}/metrics`).then((response) => response.text());
    expect(metrics).toMatch(/rtc_activity_live_sessions\{stage="with_cart",service="activity"\} 1\n/);
    expect(metrics).toMatch(/rtc_activity_live_sessions\{stage="purchased",service="activity"\} 1\n/);
    expect(metrics).toMatch(/rtc_activity_funnel_sessions\{stage="session",service="activity"\} 6\n/);
    expect(metrics).toMatch(/rtc_activity_events_total\{kind="ADDED_TO_CART",service="activity"\} 4\n/);
    expect(metrics).toMatch(/rtc_activity_ingest_lag_seconds_count\{service="activity"\} 10\n/);
  });

  it('is for staff only', async () => {
    const denied = await activity.call(visitorsQuery, {}, asUser('CUSTOMER', '9'));
    expect(denied.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const window = await activity.call('{ liveFunnel(windowSeconds: 10) { windowSeconds } }', {}, asAnalyst);
    expect(window.errors?.[0]).toMatchObject({ message: 'windowSeconds: must be between 60 and 86400', extensions: { code: 'BAD_USER_INPUT' } });
  });
});
