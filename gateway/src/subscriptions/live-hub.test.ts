import { buildSchema, graphql, parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessBus, createLogger, createServiceMetrics, newEventId, serviceUnavailable, type Caller, type EventBus } from '@rtc/service-kit';
import { createSalesWindow } from '@rtc/orders/live-sales';
import { entityIdVariable } from './entity-query';
import { createLiveHub, type FederatedResolver, type LiveHub } from './live-hub';

const schema = buildSchema(`
  type Query { order(id: ID!): Order }
  type Order { id: ID! total: Int! }
  type SalesTick { at: String! order: Order! ticks: [SalesTick!] }
  type Subscription { salesTicks(coalesce: Boolean! = false): SalesTick! }
`);
const query = 'subscription Ticks { salesTicks { at order { id total } } }';
const analyst: Caller = { userId: '2', role: 'ANALYST' };

const hubs: LiveHub[] = [];
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.stop();
});

/** Runs the hub's queries (each group's, or one merged for several) on the schema: order N totals N × 100. */
const resolveOrders: FederatedResolver = async (_caller, source, variableValues) =>
  graphql({ schema, source, variableValues, rootValue: { order: ({ id }: { id: string }) => ({ id, total: Number(id) * 100 }) } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live hub fan-out', () => {
  it('resolves a group’s events side by side, a bounded number at once, and sends their updates in event order', async () => {
    const bus = createInProcessBus();
    let running = 0;
    let mostAtOnce = 0;
    // The first orders resolve slowest, so updates finishing out of order would show.
    const resolve: FederatedResolver = async (_caller, _query, variables) => {
      const id = String(variables[entityIdVariable]);
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(Math.max(5, 200 - Number(id) * 10));
      running -= 1;
      return { data: { order: { id, total: Number(id) * 100 } } };
    };
    const hub = createLiveHub({
      schema: () => schema,
      resolve,
      bus,
      salesWindow: createSalesWindow(),
      storeCurrency: 'USD',
      metrics: createServiceMetrics('gateway-test', { defaults: false }),
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    });
    hubs.push(hub);
    const received: { id: string; position: string }[] = [];
    hub.subscribe(
      { query, document: parse(query), operationName: 'Ticks', variables: {}, rootField: 'salesTicks', args: {} },
      (payload) => {
        const result = JSON.parse(payload) as { data: { salesTicks: { order: { id: string } } }; extensions: { eventPosition: string } };
        received.push({ id: result.data.salesTicks.order.id, position: result.extensions.eventPosition });
      },
      analyst,
    );
    // More events at once than the bound of 32 resolutions in flight.
    const orders = Array.from({ length: 80 }, (_, index) => String(index + 1));
    for (const orderId of orders) {
      await bus.publish({
        id: newEventId(),
        type: 'OrderPlaced',
        aggregateType: 'Order',
        aggregateId: orderId,
        occurredAt: new Date().toISOString(),
        payload: { orderId, total: { amount: 100, currency: 'USD' }, units: 1 },
      });
    }
    const deadline = Date.now() + 20_000;
    while (received.length < orders.length && Date.now() < deadline) await sleep(20);
    expect(received.map((update) => update.id)).toEqual(orders);
    expect(received.map((update) => update.position)).toEqual(orders);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(32);
  });

  it('resolves the groups of one scope, for the events that arrived together, in one gateway query', async () => {
    const bus = createInProcessBus();
    const queries: string[] = [];
    const metrics = createServiceMetrics('gateway-test', { defaults: false });
    const hub = createLiveHub({
      schema: () => schema,
      resolve: async (caller, source, variables) => {
        queries.push(source);
        return resolveOrders(caller, source, variables);
      },
      bus,
      salesWindow: createSalesWindow(),
      storeCurrency: 'USD',
      metrics,
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    });
    hubs.push(hub);
    const brief = 'subscription Brief { salesTicks { order { id } } }';
    const detailed: { id: string; total: number }[] = [];
    const briefly: { id: string }[] = [];
    const orderOf = (payload: string) => (JSON.parse(payload) as { data: { salesTicks: { order: { id: string; total: number } } } }).data.salesTicks.order;
    hub.subscribe(
      { query, document: parse(query), operationName: 'Ticks', variables: {}, rootField: 'salesTicks', args: {} },
      (payload) => detailed.push(orderOf(payload)),
      analyst,
    );
    hub.subscribe(
      { query: brief, document: parse(brief), operationName: 'Brief', variables: {}, rootField: 'salesTicks', args: {} },
      (payload) => briefly.push(orderOf(payload)),
      analyst,
    );
    await bus.publishAll(
      ['1', '2', '3'].map((orderId) => ({
        id: newEventId(),
        type: 'OrderPlaced' as const,
        aggregateType: 'Order',
        aggregateId: orderId,
        occurredAt: new Date().toISOString(),
        payload: { orderId, total: { amount: 100, currency: 'USD' }, units: 1 },
      })),
    );
    await expect.poll(() => detailed.length + briefly.length, { timeout: 5_000 }).toBe(6);
    expect(detailed).toEqual([1, 2, 3].map((n) => ({ id: String(n), total: n * 100 })));
    expect(briefly).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    expect(queries).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/rtc_gateway_subscription_entity_queries_total\{[^}]*\} 1\n/);
    expect(text).toMatch(/rtc_gateway_subscription_resolutions_total\{field="salesTicks"[^}]*\} 6\n/);
  });

  describe('while a service a tick needs is unavailable', () => {
    const subscription = { query, document: parse(query), operationName: 'Ticks', variables: {}, rootField: 'salesTicks', args: {} };
    const publishOrder = (bus: EventBus, orderId: string) =>
      bus.publish({
        id: newEventId(),
        type: 'OrderPlaced',
        aggregateType: 'Order',
        aggregateId: orderId,
        occurredAt: new Date().toISOString(),
        payload: { orderId, total: { amount: 100, currency: 'USD' }, units: 1 },
      });
    const startHub = (resolve: FederatedResolver, entityRetryMs: number) => {
      const bus = createInProcessBus();
      const hub = createLiveHub({
        schema: () => schema,
        resolve,
        bus,
        salesWindow: createSalesWindow(),
        storeCurrency: 'USD',
        metrics: createServiceMetrics('gateway-test', { defaults: false }),
        logger: createLogger({ service: 'gateway-test', level: 'silent' }),
        entityRetryMs,
      });
      hubs.push(hub);
      const received: { data: unknown; errors?: { extensions?: { code?: string } }[] }[] = [];
      hub.subscribe(subscription, (payload) => received.push(JSON.parse(payload) as (typeof received)[number]), analyst);
      return { bus, received };
    };

    it('retries the resolution and sends the group’s updates whole and in order once it is back', async () => {
      let down = true;
      const { bus, received } = startHub(async (_caller, _query, variables) => {
        const id = String(variables[entityIdVariable]);
        if (down && id === '1') return { data: { order: null }, errors: [serviceUnavailable()] };
        if (down) throw Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
        return { data: { order: { id, total: 100 } } };
      }, 30_000);
      await publishOrder(bus, '1');
      await publishOrder(bus, '2');
      await sleep(700);
      expect(received).toEqual([]);
      down = false;
      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline) await sleep(20);
      expect(received.map((result) => result.errors)).toEqual([undefined, undefined]);
      expect(received.map((result) => (result.data as { salesTicks: { order: { id: string } } }).salesTicks.order.id)).toEqual(['1', '2']);
    });

    it('sends the update with a SERVICE_UNAVAILABLE error once its retries are spent', async () => {
      const { bus, received } = startHub(async () => {
        throw Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
      }, 400);
      await publishOrder(bus, '1');
      const deadline = Date.now() + 5_000;
      while (received.length < 1 && Date.now() < deadline) await sleep(20);
      expect(received[0]?.data).toBeNull();
      expect(received[0]?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    });
  });
});

describe('live hub resume', () => {
  it('sends a resuming subscriber an event its replay read from the log before the live consumer got it only once', async () => {
    const log = createInProcessBus();
    // The live consumer lags the log, as a Redis stream reader may behind a replay's own read.
    const bus: EventBus = {
      ...log,
      subscribe: (handler, options) => log.subscribe((event) => void sleep(150).then(() => handler(event)), options),
    };
    const resolve: FederatedResolver = async (_caller, _query, variables) => {
      const id = String(variables[entityIdVariable]);
      return { data: { order: { id, total: Number(id) * 100 } } };
    };
    const hub = createLiveHub({
      schema: () => schema,
      resolve,
      bus,
      salesWindow: createSalesWindow(),
      storeCurrency: 'USD',
      metrics: createServiceMetrics('gateway-test', { defaults: false }),
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    });
    hubs.push(hub);
    const subscription = { query, document: parse(query), operationName: 'Ticks', variables: {}, rootField: 'salesTicks', args: {} };
    const receivedBy = (list: string[]) => (payload: string) => {
      const result = JSON.parse(payload) as { data: { salesTicks: { order: { id: string } } } };
      list.push(result.data.salesTicks.order.id);
    };
    const first: string[] = [];
    hub.subscribe(subscription, receivedBy(first), analyst);
    const place = (orderId: string) =>
      bus.publish({
        id: newEventId(),
        type: 'OrderPlaced',
        aggregateType: 'Order',
        aggregateId: orderId,
        occurredAt: new Date().toISOString(),
        payload: { orderId, total: { amount: 100, currency: 'USD' }, units: 1 },
      });
    await place('1');
    await expect.poll(() => first, { timeout: 5_000 }).toEqual(['1']);

    await place('2');
    const resumed: string[] = [];
    hub.subscribe(subscription, receivedBy(resumed), analyst, { resumeAfter: '1' });
    await expect.poll(() => first, { timeout: 5_000 }).toEqual(['1', '2']);
    await place('3');
    await expect.poll(() => resumed, { timeout: 5_000 }).toEqual(['2', '3']);
    await sleep(300);
    expect(resumed).toEqual(['2', '3']);
  });
});

describe('live hub coalescing', () => {
  const coalescingQuery = 'subscription Ticks { salesTicks(coalesce: true) { order { id } ticks { at order { id total } } } }';
  const place = (bus: EventBus, orderId: string) =>
    bus.publish({
      id: newEventId(),
      type: 'OrderPlaced',
      aggregateType: 'Order',
      aggregateId: orderId,
      occurredAt: new Date().toISOString(),
      payload: { orderId, total: { amount: 100, currency: 'USD' }, units: 1 },
    });
  interface CoalescedMessage {
    data: { salesTicks: { order: { id: string }; ticks: { order: { id: string; total: number } }[] } };
    extensions: { eventPosition: string };
  }

  it('sends a subscriber that opted in and fell behind every pending order in one message, and one message per order once it keeps up', async () => {
    const bus = createInProcessBus();
    const hub = createLiveHub({
      schema: () => schema,
      resolve: resolveOrders,
      bus,
      salesWindow: createSalesWindow(),
      storeCurrency: 'USD',
      metrics: createServiceMetrics('gateway-test', { defaults: false }),
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    });
    hubs.push(hub);
    let behind = true;
    let givenUp = false;
    const coalesced: CoalescedMessage[] = [];
    hub.subscribe(
      { query: coalescingQuery, document: parse(coalescingQuery), operationName: 'Ticks', variables: {}, rootField: 'salesTicks', args: { coalesce: true } },
      (payload) => coalesced.push(JSON.parse(payload) as CoalescedMessage),
      analyst,
      { flow: { behind: () => behind, giveUp: () => void (givenUp = true) } },
    );
    // A subscriber that did not opt in, on the same socket pressure, is sent each order on its own as before.
    const plain: { data: { salesTicks: { order: { id: string } } }; extensions: { eventPosition: string } }[] = [];
    hub.subscribe(
      { query, document: parse(query), operationName: 'Ticks', variables: {}, rootField: 'salesTicks', args: {} },
      (payload) => plain.push(JSON.parse(payload) as (typeof plain)[number]),
      analyst,
      { flow: { behind: () => behind, giveUp: () => undefined } },
    );

    const orders = Array.from({ length: 12 }, (_, index) => String(index + 1));
    for (const orderId of orders) await place(bus, orderId);
    await expect.poll(() => plain.length, { timeout: 5_000 }).toBe(12);
    expect(plain.map((result) => result.data.salesTicks.order.id)).toEqual(orders);
    expect(coalesced).toEqual([]);

    behind = false;
    await expect.poll(() => coalesced.length, { timeout: 5_000 }).toBe(1);
    const [message] = coalesced;
    expect(message!.data.salesTicks.ticks.map((tick) => tick.order)).toEqual(orders.map((id) => ({ id, total: Number(id) * 100 })));
    expect(message!.data.salesTicks.order.id).toBe('12');
    expect(message!.extensions.eventPosition).toBe('12');

    await place(bus, '13');
    await expect.poll(() => coalesced.length, { timeout: 5_000 }).toBe(2);
    await place(bus, '14');
    await expect.poll(() => coalesced.length, { timeout: 5_000 }).toBe(3);
    expect(coalesced.slice(1).map((result) => result.data.salesTicks.ticks.map((tick) => tick.order.id))).toEqual([['13'], ['14']]);
    expect(coalesced.slice(1).map((result) => result.extensions.eventPosition)).toEqual(['13', '14']);
    expect(givenUp).toBe(false);
  });

  it('replays what a coalescing subscriber missed in one message, then goes on live', async () => {
    const bus = createInProcessBus();
    const hub = createLiveHub({
      schema: () => schema,
      resolve: resolveOrders,
      bus,
      salesWindow: createSalesWindow(),
      storeCurrency: 'USD',
      metrics: createServiceMetrics('gateway-test', { defaults: false }),
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
    });
    hubs.push(hub);
    const subscription = {
      query: coalescingQuery,
      document: parse(coalescingQuery),
      operationName: 'Ticks',
      variables: {},
      rootField: 'salesTicks',
      args: { coalesce: true },
    };
    const first: CoalescedMessage[] = [];
    hub.subscribe(subscription, (payload) => first.push(JSON.parse(payload) as CoalescedMessage), analyst);
    for (const orderId of ['1', '2', '3', '4']) await place(bus, orderId);
    await expect
      .poll(() => first.flatMap((message) => message.data.salesTicks.ticks.map((tick) => tick.order.id)), { timeout: 5_000 })
      .toEqual(['1', '2', '3', '4']);

    const resumed: CoalescedMessage[] = [];
    hub.subscribe(subscription, (payload) => resumed.push(JSON.parse(payload) as CoalescedMessage), analyst, { resumeAfter: '1' });
    await expect.poll(() => resumed.length, { timeout: 5_000 }).toBe(1);
    expect(resumed[0]!.data.salesTicks.ticks.map((tick) => tick.order)).toEqual(['2', '3', '4'].map((id) => ({ id, total: Number(id) * 100 })));
    expect(resumed[0]!.extensions.eventPosition).toBe('4');
    await place(bus, '5');
    await expect.poll(() => resumed.length, { timeout: 5_000 }).toBe(2);
    expect(resumed[1]!.data.salesTicks.ticks.map((tick) => tick.order.id)).toEqual(['5']);
  });
});
