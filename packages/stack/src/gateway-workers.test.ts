import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, withDatabase } from '@rtc/service-kit';
import {
  connectLive,
  freePort,
  queryRows,
  startPrivateRedis,
  testInternalToken,
  testJwtSecret,
  testServerUrl,
  type LiveClient,
  type LiveSubscription,
  type PrivateServer,
} from '@rtc/testkit';
import { databaseNames, dropAll, migrateAll } from './databases';
import { createProducts, placeOrder, type CreatedProduct } from './fixtures';
import { startServiceProcesses, type ServiceProcesses } from './service-processes';

interface Tick {
  readonly salesTicks: { readonly order: { readonly id: string; readonly user: { readonly name: string } } };
}
const ticksQuery = 'subscription { salesTicks { order { id user { name } } } }';

const suffix = randomBytes(4).toString('hex');
const databases = databaseNames(`rtc_test_${suffix}_`);
let redis: PrivateServer;
let running: ServiceProcesses;
let graphqlUrl: string;
let admin: string;
let customer: string;
let product: CreatedProduct;
const clients: LiveClient[] = [];

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function workerPids(): number[] {
  const primary = running.processes.gateway.child.pid!;
  return readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}

/** Open sockets of a process (TCP and Unix), from its file descriptors. */
function socketCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
}

function connect(): LiveClient {
  const client = connectLive(graphqlUrl, { authorization: `Bearer ${admin}` });
  clients.push(client);
  return client;
}

async function order(): Promise<string> {
  const placed = await placeOrder(graphqlUrl, customer, [{ productId: product.id, quantity: 1 }]);
  expect(placed.errors).toBeUndefined();
  return placed.data!.placeOrder.order!.id;
}

async function receive(subscriptions: readonly LiveSubscription<Tick>[], count: number): Promise<void> {
  for (const subscription of subscriptions) while (subscription.results.length < count) await subscription.next(20_000);
}

const idsOf = (subscription: LiveSubscription<Tick>) => subscription.results.map((result) => result.data?.salesTicks.order.id);

beforeAll(async () => {
  redis = await startPrivateRedis();
  await migrateAll(testServerUrl(), databases);
  running = await startServiceProcesses({
    serverUrl: testServerUrl(),
    databases,
    ports: {
      gateway: await freePort(),
      users: await freePort(),
      catalog: await freePort(),
      orders: await freePort(),
      inventory: await freePort(),
      activity: await freePort(),
    },
    host: '127.0.0.1',
    logLevel: 'warn',
    redisUrl: redis.url,
    internalToken: testInternalToken,
    jwtSecret: testJwtSecret,
    storeTimeZone: 'UTC',
    storeCurrency: 'USD',
    gatewayWorkers: 2,
  });
  graphqlUrl = `${running.gatewayUrl}/graphql`;
  const usersDb = withDatabase(testServerUrl(), databases.users);
  await queryRows(
    usersDb,
    "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('admin@w.example', 'Admin', 'ADMIN', 'x', NOW(3)), ('buyer@w.example', 'Dorothy Vaughan', 'CUSTOMER', 'x', NOW(3))",
  );
  const ids = await queryRows<{ id: number; role: 'ADMIN' | 'CUSTOMER' }>(usersDb, 'SELECT id, role FROM users ORDER BY id');
  [admin, customer] = (await Promise.all(ids.map((row) => signAccessToken({ userId: String(row.id), role: row.role }, testJwtSecret)))) as [string, string];
  [product] = (await createProducts(graphqlUrl, admin, [{ price: 1_250, stock: 1_000 }])) as [CreatedProduct];
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.dispose()));
  await running?.stop();
  await redis?.close();
  await dropAll(testServerUrl(), databases);
});

describe('a gateway of several worker processes behind one port', () => {
  it('spreads subscribers over its workers and sends every one of them each order exactly once, and a resume works on any worker', async () => {
    const workers = workerPids();
    expect(workers).toHaveLength(2);
    const socketsBefore = workers.map(socketCount);
    const subscriptions = Array.from({ length: 6 }, () => connect().subscribe<Tick>(ticksQuery));
    await settle(1_000);
    // The primary hands connections to its workers in turn: each holds some of the six.
    workers.forEach((pid, index) => expect(socketCount(pid)).toBeGreaterThan(socketsBefore[index]!));
    const metrics = await (await fetch(`${running.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/^rtc_gateway_websocket_connections\{[^}]*\} 6$/m);

    const placed = [await order(), await order(), await order()];
    await receive(subscriptions, placed.length);
    const lastPosition = subscriptions[0]!.position()!;
    for (const subscription of subscriptions) subscription.stop();

    const missed = [await order(), await order()];
    await settle(500);
    // Two resumptions in a row land on different workers; each replays from the shared event log.
    const resumed = [0, 1].map(() => connect().subscribe<Tick>(ticksQuery, {}, { resumeAfter: lastPosition }));
    await receive(resumed, missed.length);
    const live = await order();
    await receive(resumed, missed.length + 1);
    await settle(1_000);

    for (const subscription of subscriptions) expect(idsOf(subscription)).toEqual(placed);
    for (const subscription of resumed) {
      expect(idsOf(subscription)).toEqual([...missed, live]);
      expect(subscription.results.every((result) => result.data?.salesTicks.order.user.name === 'Dorothy Vaughan')).toBe(true);
    }
  });
});
