import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, withDatabase, type Role } from '@rtc/service-kit';
import { connectLive, queryRows, testInternalToken, testJwtSecret, testServerUrl, type LiveClient } from '@rtc/testkit';
import { databaseNames, dropAll, migrateAll } from './databases';
import { createProducts, placeOrder, type CreatedProduct } from './fixtures';
import { startThreadedStack, type ThreadedStack } from './threaded-stack';

interface Tick {
  readonly salesTicks: { readonly order: { readonly id: string; readonly user: { readonly name: string } } };
}
const ticksQuery = 'subscription { salesTicks { order { id user { name } } } }';

const serverUrl = testServerUrl();
const databases = databaseNames(`rtc_test_${randomBytes(4).toString('hex')}_`);
let stack: ThreadedStack;
let analystToken: string;
let customerToken: string;
let product: CreatedProduct;
const clients: LiveClient[] = [];

async function createUser(role: Role, name: string): Promise<string> {
  const url = withDatabase(serverUrl, databases.users);
  const email = `${randomBytes(6).toString('hex')}@test.rtc.example`;
  await queryRows(url, 'INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, NOW(3))', [
    email,
    name,
    role,
    'not-a-password-hash',
  ]);
  const [row] = await queryRows<{ id: number }>(url, 'SELECT id FROM users WHERE email = ?', [email]);
  return signAccessToken({ userId: String(row!.id), role }, testJwtSecret);
}

beforeAll(async () => {
  await migrateAll(serverUrl, databases);
  stack = await startThreadedStack({
    serverUrl,
    databases,
    ports: { gateway: 0, users: 0, catalog: 0, orders: 0, inventory: 0, activity: 0 },
    host: '127.0.0.1',
    logLevel: 'silent',
    internalToken: testInternalToken,
    jwtSecret: testJwtSecret,
    storeTimeZone: 'UTC',
    storeCurrency: 'USD',
  });
  const adminToken = await createUser('ADMIN', 'admin');
  analystToken = await createUser('ANALYST', 'analyst');
  customerToken = await createUser('CUSTOMER', 'Ada Customer');
  [product] = (await createProducts(stack.graphqlUrl, adminToken, [{ price: 700, stock: 100 }])) as [CreatedProduct];
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
  await dropAll(serverUrl, databases);
});

function subscribe(resumeAfter?: string) {
  const client = connectLive(stack.graphqlUrl, { authorization: `Bearer ${analystToken}` });
  clients.push(client);
  return { client, ticks: client.subscribe<Tick>(ticksQuery, {}, resumeAfter === undefined ? {} : { resumeAfter }) };
}

async function order(): Promise<string> {
  const placed = await placeOrder(stack.graphqlUrl, customerToken, [{ productId: product.id, quantity: 1 }]);
  expect(placed.errors).toBeUndefined();
  return placed.data!.placeOrder.order!.id;
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RTC in one process with its subgraphs in a worker thread', () => {
  it('serves queries and checkout through the gateway on the main thread', async () => {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ product(id: "' + product.id + '") { id price { amount } stock { available } } }' }),
    });
    const body = (await response.json()) as { data: { product: { id: string; price: { amount: number }; stock: { available: number } } } };
    expect(body.data.product).toEqual({ id: product.id, price: { amount: 700 }, stock: { available: 100 } });
    for (const url of Object.values(stack.urls)) expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("pushes the subgraph thread's sales to live subscribers, and resumes them from the gateway's replica of the log", async () => {
    const first = subscribe();
    await settle();
    const placed = await order();
    await first.ticks.next();
    expect(first.ticks.results.map((tick) => tick.data?.salesTicks.order)).toEqual([{ id: placed, user: { name: 'Ada Customer' } }]);
    const position = first.ticks.position();
    expect(position).toMatch(/^\d+$/);
    await first.client.dispose();

    const missed = [await order(), await order()];
    const resumed = subscribe(position).ticks;
    await resumed.next();
    await resumed.next();
    expect(resumed.results.map((tick) => tick.data?.salesTicks.order.id)).toEqual(missed);
  });

  it('stops both threads: nothing listens on the ports afterwards', async () => {
    const urls = [stack.gatewayUrl, ...Object.values(stack.urls)];
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await stack.stop();
    for (const url of urls) await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    stack = undefined as unknown as ThreadedStack;
  });
});
