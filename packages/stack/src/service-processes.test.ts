import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken, withDatabase } from '@rtc/service-kit';
import { connectLive, freePort, queryRows, testInternalToken, testJwtSecret, testServerUrl, type LiveClient } from '@rtc/testkit';
import { databaseNames, dropAll, migrateAll } from './databases';
import { createProducts, placeOrder } from './fixtures';
import { startServiceProcesses, type ServiceProcesses } from './service-processes';

const suffix = randomBytes(4).toString('hex');
const databases = databaseNames(`rtc_test_${suffix}_`);
let running: ServiceProcesses;
let live: LiveClient;

beforeAll(async () => {
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
    redisUrl: 'redis://127.0.0.1:6379',
    internalToken: testInternalToken,
    jwtSecret: testJwtSecret,
    storeTimeZone: 'UTC',
    storeCurrency: 'USD',
  });
}, 120_000);

afterAll(async () => {
  await live?.dispose();
  await running?.stop();
  await dropAll(testServerUrl(), databases);
});

describe('one process per service, as deployed', () => {
  it('checks out across processes and carries the event to a subscriber over Redis', async () => {
    const usersDb = withDatabase(testServerUrl(), databases.users);
    await queryRows(
      usersDb,
      "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('admin@p.example', 'Admin', 'ADMIN', 'x', NOW(3)), ('buyer@p.example', 'Mary Jackson', 'CUSTOMER', 'x', NOW(3))",
    );
    const ids = await queryRows<{ id: number; role: 'ADMIN' | 'CUSTOMER' }>(usersDb, 'SELECT id, role FROM users ORDER BY id');
    const [admin, customer] = await Promise.all(ids.map((row) => signAccessToken({ userId: String(row.id), role: row.role }, testJwtSecret)));
    const graphqlUrl = `${running.gatewayUrl}/graphql`;
    const [product] = await createProducts(graphqlUrl, admin!, [{ price: 1_999, stock: 3 }]);

    live = connectLive(graphqlUrl, { authorization: `Bearer ${admin}` });
    const ticks = live.subscribe<{ salesTicks: { order: { user: { name: string }; lines: { product: { stock: { available: number } } }[] } } }>(
      'subscription { salesTicks { order { user { name } lines { product { stock { available } } } } } }',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const placed = await placeOrder(graphqlUrl, customer!, [{ productId: product!.id, quantity: 2 }]);
    expect(placed.errors).toBeUndefined();
    expect((await ticks.next(10_000)).data!.salesTicks.order).toEqual({ user: { name: 'Mary Jackson' }, lines: [{ product: { stock: { available: 1 } } }] });
  });
});
