import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, errorCodes, postGraphQL, queryRows, type LiveClient } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

let stack: TestStack;
let analyst: { id: string; token: string };
let customer: { id: string; token: string };
let products: CreatedProduct[];
const clients: LiveClient[] = [];

const trackEvents = 'mutation Track($input: TrackEventsInput!) { trackEvents(input: $input) { accepted duplicates } }';
const visitorsQuery = '{ liveVisitors { activeSessions browsing withCart inCheckout purchased } }';

type Visitors = { activeSessions: number; browsing: number; withCart: number; inCheckout: number; purchased: number };
type FunnelUpdate = { funnelStats: { windowSeconds: number; visitors: Visitors; steps: { stage: string; sessions: number }[] } };

const event = (sessionId: string, kind: string, extra: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  kind,
  sessionId,
  occurredAt: new Date().toISOString(),
  ...extra,
});

const track = (events: unknown[], token?: string) =>
  postGraphQL<{ trackEvents: { accepted: number; duplicates: number } }>(stack.graphqlUrl, trackEvents, { input: { events } }, token ? { token } : {});

beforeAll(async () => {
  stack = await startTestStack();
  const admin = await stack.createUser('ADMIN');
  analyst = await stack.createUser('ANALYST');
  customer = await stack.createUser('CUSTOMER', 'Grace Hopper');
  products = await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_500, stock: 50, name: 'Oak Shelf' }]);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

describe('customer behaviour through the gateway', () => {
  it('takes anonymous and logged-in events and shows them in liveVisitors, purchases from the order events', async () => {
    const productId = products[0]!.id;
    const anonymous = await track([event('stack-anonymous-1', 'SESSION_STARTED'), event('stack-anonymous-1', 'PRODUCT_VIEWED', { productId })]);
    expect(anonymous.data?.trackEvents).toEqual({ accepted: 2, duplicates: 0 });
    const carting = await track(
      [
        event('stack-customer-1', 'ADDED_TO_CART', { productId, quantity: 2, cartValue: { amount: 3_000, currency: 'USD' } }),
        event('stack-customer-1', 'CHECKOUT_STARTED'),
      ],
      customer.token,
    );
    expect(carting.data?.trackEvents).toEqual({ accepted: 2, duplicates: 0 });
    const before = await postGraphQL<{ liveVisitors: Visitors }>(stack.graphqlUrl, visitorsQuery, {}, { token: analyst.token });
    expect(before.data?.liveVisitors).toEqual({ activeSessions: 2, browsing: 1, withCart: 0, inCheckout: 1, purchased: 0 });

    await placeOrder(stack.graphqlUrl, customer.token, [{ productId, quantity: 2 }]);
    // The order reaches activity through the event log, not from the storefront.
    let visitors: Visitors | undefined;
    for (let attempt = 0; attempt < 50 && visitors?.purchased !== 1; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      visitors = (await postGraphQL<{ liveVisitors: Visitors }>(stack.graphqlUrl, visitorsQuery, {}, { token: analyst.token })).data?.liveVisitors;
    }
    expect(visitors).toEqual({ activeSessions: 2, browsing: 1, withCart: 0, inCheckout: 0, purchased: 1 });
  });

  it('pushes funnelStats to staff as events arrive', async () => {
    const live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${analyst.token}` });
    clients.push(live);
    const funnel = live.subscribe<FunnelUpdate>(
      'subscription { funnelStats(windowSeconds: 600) { windowSeconds visitors { activeSessions browsing } steps { stage sessions } } }',
    );
    const first = (await funnel.next(3_000)).data!.funnelStats;
    expect(first.windowSeconds).toBe(600);
    expect(first.steps.map((step) => step.stage)).toEqual(['SESSION', 'PRODUCT_VIEW', 'CART', 'CHECKOUT', 'PURCHASE']);
    await track([event('stack-anonymous-2', 'SESSION_STARTED'), event('stack-anonymous-2', 'PRODUCT_VIEWED', { productId: products[0]!.id })]);
    let latest = first;
    for (let attempt = 0; attempt < 10 && latest.visitors.activeSessions === first.visitors.activeSessions; attempt += 1) {
      latest = (await funnel.next(3_000)).data!.funnelStats;
    }
    expect(latest.visitors.activeSessions).toBe(first.visitors.activeSessions + 1);
    expect(latest.steps[0]!.sessions).toBe(first.steps[0]!.sessions + 1);
    funnel.stop();
  });

  it('answers bad input with stable codes and writes nothing', async () => {
    const unknownKind = await postGraphQL(
      stack.graphqlUrl,
      'mutation { trackEvents(input: { events: [{ eventId: "e-00000001", kind: TELEPORTED, sessionId: "s-00000001", occurredAt: "2026-01-01T00:00:00Z" }] }) { accepted } }',
      {},
    );
    expect(errorCodes(unknownKind)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const tooMany = await track(Array.from({ length: 101 }, () => event('stack-bad-1', 'SESSION_STARTED')));
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const huge = await track([event('stack-bad-1', 'SESSION_STARTED'), event('stack-bad-1', 'SEARCHED', { searchQuery: 'x'.repeat(5_000) })]);
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', index: 1 });
    const written = await queryRows(stack.databaseUrl('activity'), "SELECT id FROM behaviour_events WHERE session_id = 'stack-bad-1'");
    expect(written).toEqual([]);
  });

  it('keeps behaviour figures for staff', async () => {
    expect(errorCodes(await postGraphQL(stack.graphqlUrl, visitorsQuery, {}, { token: customer.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await postGraphQL(stack.graphqlUrl, visitorsQuery, {}))).toEqual(['UNAUTHENTICATED']);
    const live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${customer.token}` });
    clients.push(live);
    expect(JSON.stringify(await live.subscribe('subscription { funnelStats { windowSeconds } }').failure())).toContain('FORBIDDEN');
  });

  it('keeps the gateway ready and checkout going while activity is down', async () => {
    await stack.subgraphs.activity.service.http.close();
    const activityUp = async () => {
      const metrics = await fetch(`${stack.gatewayUrl}/metrics`).then((response) => response.text());
      return /rtc_gateway_subgraph_up\{subgraph="activity"[^}]*\} 1/.test(metrics);
    };
    for (let attempt = 0; attempt < 100 && (await activityUp()); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await activityUp()).toBe(false);
    expect((await fetch(`${stack.gatewayUrl}/readyz`)).status).toBe(200);
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 1 }]);
    expect(placed.errors).toBeUndefined();
    expect(errorCodes(await track([event('stack-outage-1', 'SESSION_STARTED')]))).toEqual(['SERVICE_UNAVAILABLE']);
  });
});
