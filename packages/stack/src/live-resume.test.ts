import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, postGraphQL, queryRows, startFaultProxy, startPrivateRedis, type LiveClient, type PrivateServer } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

const run = promisify(execFile);

interface Tick {
  readonly salesTicks: { readonly order: { readonly id: string; readonly user: { readonly name: string } } };
}
const ticksQuery = 'subscription { salesTicks { order { id user { name } } } }';

let redis: PrivateServer;
let stack: TestStack;
let admin: { id: string; token: string };
let customer: { id: string; token: string };
let product: CreatedProduct;
const clients: LiveClient[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startTestStack({ redisUrl: redis.url });
  admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER', 'Katherine Johnson');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_000, stock: 10_000 }])) as [CreatedProduct];
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.dispose()));
  await stack?.stop();
  await redis?.close();
});

function connect(url = stack.graphqlUrl, retryAttempts = 0): LiveClient {
  const client = connectLive(url, { authorization: `Bearer ${admin.token}` }, { retryAttempts });
  clients.push(client);
  return client;
}

async function order(): Promise<string> {
  const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]);
  expect(placed.errors).toBeUndefined();
  return placed.data!.placeOrder.order!.id;
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
const idsOf = (ticks: readonly { data?: Tick | null | undefined }[]) => ticks.map((tick) => tick.data?.salesTicks.order.id);

describe('live updates through a Redis outage and a reconnect', () => {
  it('checkout is not held up while Redis is down, and once it is back every order ticks exactly once to a subscriber', async () => {
    const ticks = connect().subscribe<Tick>(ticksQuery);
    await settle();
    const first = await order();
    await ticks.next(15_000);

    await redis.stop({ kill: true });
    const placed: string[] = [];
    const durations: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      placed.push(await order());
      durations.push(performance.now() - started);
    }
    // The relay could not publish, and the checkouts did not wait for it.
    expect(Math.max(...durations)).toBeLessThan(1_000);
    const [pending] = await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
    expect(pending!.n).toBeGreaterThanOrEqual(placed.length);

    await redis.start();
    for (let i = 0; i < placed.length; i++) await ticks.next(30_000);
    await settle(1_500);
    expect(idsOf(ticks.results)).toEqual([first, ...placed]);
    ticks.stop();
  });

  it('a subscriber resuming with resumeAfter gets exactly the ticks it missed, resolved with its rights, then live ones', async () => {
    const before = connect();
    const seen = before.subscribe<Tick>(ticksQuery);
    await settle();
    await order();
    await seen.next(15_000);
    const position = seen.position();
    expect(position).toMatch(/^\d+-\d+$/);
    await before.dispose();

    const missed = [await order(), await order(), await order()];
    await settle(500);
    const resumed = connect().subscribe<Tick>(ticksQuery, {}, { resumeAfter: position! });
    for (let i = 0; i < missed.length; i++) await resumed.next(15_000);
    const live = await order();
    await resumed.next(15_000);
    await settle(1_000);
    expect(idsOf(resumed.results)).toEqual([...missed, live]);
    expect(resumed.results.every((tick) => tick.data?.salesTicks.order.user.name === 'Katherine Johnson')).toBe(true);
    resumed.stop();
  });

  it("replays a customer's missed order status change with that customer's own rights", async () => {
    const staff = connect().subscribe<Tick>(ticksQuery);
    await settle();
    const orderId = await order();
    await staff.next(15_000);
    const position = staff.position()!;
    staff.stop();
    const cancelled = await postGraphQL(
      stack.graphqlUrl,
      'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { status } errors { code } } }',
      { id: orderId },
      { token: customer.token },
    );
    expect(cancelled.errors).toBeUndefined();

    const owner = connectLive(stack.graphqlUrl, { authorization: `Bearer ${customer.token}` });
    clients.push(owner);
    const status = owner.subscribe<{ orderStatus: { status: string; order: { id: string; user: { name: string } } } }>(
      'subscription($id: ID!) { orderStatus(orderId: $id) { status order { id user { name } } } }',
      { id: orderId },
      { resumeAfter: position },
    );
    const replayed = await status.next(15_000);
    expect(replayed.errors).toBeUndefined();
    expect(replayed.data!.orderStatus).toEqual({ status: 'CANCELLED', order: { id: orderId, user: { name: 'Katherine Johnson' } } });
    await settle(1_000);
    expect(status.results).toHaveLength(1);
  });

  it('the live client reconnects after its connection was cut and resumes where it left off', async () => {
    const proxy = await startFaultProxy(stack.graphqlUrl);
    try {
      const client = connect(proxy.url, 100);
      const ticks = client.subscribe<Tick>(ticksQuery);
      await settle();
      const first = await order();
      await ticks.next(15_000);

      await proxy.set('down');
      const missed = [await order(), await order()];
      await settle(500);
      await proxy.set('pass');
      for (let i = 0; i < missed.length; i++) await ticks.next(15_000);
      await settle(1_000);
      expect(idsOf(ticks.results)).toEqual([first, ...missed]);
      // Disposed before the proxy closes, or it would go on reconnecting to a closed port.
      await client.dispose();
    } finally {
      await proxy.close();
    }
  });

  it('refuses a resumeAfter that is no event position with BAD_USER_INPUT', async () => {
    const refused = connect().subscribe<Tick>(ticksQuery, {}, { resumeAfter: 'yesterday' });
    const errors = (await refused.failure()) as { extensions?: { code?: string } }[];
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('starts live, replaying nothing, when resumeAfter has left the bounded log', async () => {
    const before = connect().subscribe<Tick>(ticksQuery);
    await settle();
    await order();
    await before.next(15_000);
    const position = before.position()!;
    before.stop();

    // As if the log's bound had been reached: every entry up to now is trimmed away.
    const { stdout } = await run('redis-cli', ['-p', String(redis.port), '--scan', '--pattern', 'rtc:test:*']);
    for (const key of stdout.split('\n').filter((line) => line.trim() !== ''))
      await run('redis-cli', ['-p', String(redis.port), 'XTRIM', key.trim(), 'MAXLEN', '0']);
    await order();
    await settle(500);

    const resumed = connect().subscribe<Tick>(ticksQuery, {}, { resumeAfter: position });
    await settle(500);
    const live = await order();
    await resumed.next(15_000);
    await settle(1_000);
    expect(idsOf(resumed.results)).toEqual([live]);
  });
});
