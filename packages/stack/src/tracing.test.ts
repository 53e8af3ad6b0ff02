import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, postGraphQL, startOtlpReceiver, type LiveClient, type OtlpReceiver, type ReceivedSpan } from '@rtc/testkit';
import { createProducts, placeOrderMutation, startTestStack, type CreatedProduct, type TestStack } from './testing';

let receiver: OtlpReceiver;
let stack: TestStack;
let live: LiveClient;
let customer: { id: string; token: string };
let analyst: { id: string; token: string };
let product: CreatedProduct;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  stack = await startTestStack({ otlpEndpoint: receiver.endpoint });
  const admin = await stack.createUser('ADMIN');
  analyst = await stack.createUser('ANALYST');
  customer = await stack.createUser('CUSTOMER');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_200, stock: 10 }])) as [CreatedProduct];
  live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${analyst.token}` });
});

afterAll(async () => {
  await live?.dispose();
  await stack?.stop();
  await receiver?.close();
});

/** Polls the receiver until `found` holds for the spans received so far, flushing every service's exporter first. */
async function spansUntil(found: (spans: readonly ReceivedSpan[]) => boolean): Promise<readonly ReceivedSpan[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    await stack.flushTraces();
    if (found(receiver.spans)) return receiver.spans;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return receiver.spans;
}

describe('traces across the services', () => {
  it('makes one connected trace of a checkout: gateway, orders, catalog and inventory, down to each SQL statement, and on to the live tick', async () => {
    const ticks = live.subscribe<{ salesTicks: { order: { id: string } } }>('subscription { salesTicks { order { id user { name } } } }');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const requestId = `trace-test-${randomBytes(6).toString('hex')}`;
    const placed = await postGraphQL<{ placeOrder: { order: { id: string } } }>(
      stack.graphqlUrl,
      placeOrderMutation,
      { input: { lines: [{ productId: product.id, quantity: 2 }], idempotencyKey: randomBytes(8).toString('hex') } },
      { token: customer.token, headers: { 'x-request-id': requestId } },
    );
    expect(placed.errors).toBeUndefined();
    expect((await ticks.next(15_000)).data?.salesTicks.order.id).toBe(placed.data!.placeOrder.order!.id);

    const traceOfRequest = (spans: readonly ReceivedSpan[]) => {
      const root = spans.find((span) => span.service === 'gateway' && span.name === 'POST /graphql' && span.attributes['rtc.request_id'] === requestId);
      return root ? spans.filter((span) => span.traceId === root.traceId) : [];
    };
    const trace = traceOfRequest(await spansUntil((spans) => traceOfRequest(spans).some((span) => span.name.startsWith('live send'))));

    const services = new Set(trace.map((span) => span.service));
    for (const service of ['gateway', 'orders', 'catalog', 'inventory']) expect(services).toContain(service);
    // Connected: one root, and every other span's parent is in the same trace.
    const ids = new Set(trace.map((span) => span.spanId));
    const roots = trace.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
    expect(roots.map((span) => `${span.service} ${span.name}`)).toEqual(['gateway POST /graphql']);

    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const statements = trace.filter((span) => span.attributes['db.system.name'] === 'mysql');
    const statementServices = new Set(statements.map((span) => span.service));
    expect(statementServices).toContain('orders');
    expect(statementServices).toContain('inventory');
    // The reservation's guarded UPDATEs go in its first batch.
    expect(statements.some((span) => span.service === 'inventory' && /\bupdate `stock`/i.test(String(span.attributes['db.query.text'])))).toBe(true);
    // Each statement hangs under its own service's request span (GraphQL, or an internal procedure), which continues
    // the caller's fetch.
    // Activity's statements are not a request's: it records the order from the event log, under the publish span.
    const requestSpan = /^POST \/(graphql$|internal\/)/;
    for (const statement of statements.filter((span) => span.service !== 'activity')) {
      let parent = byId.get(statement.parentSpanId!);
      while (parent && !requestSpan.test(parent.name)) parent = byId.get(parent.parentSpanId!);
      expect(parent?.service).toBe(statement.service);
    }
    expect(trace.some((span) => span.service === 'orders' && span.name === 'POST /graphql' && span.attributes['rtc.request_id'] === requestId)).toBe(true);

    const names = trace.map((span) => span.name);
    expect(names).toContain('publish OrderPlaced');
    expect(names).toContain('live event OrderPlaced');
    expect(names).toContain('live resolve salesTicks');
    expect(names).toContain('live send salesTicks');
    ticks.stop();
  });
});
