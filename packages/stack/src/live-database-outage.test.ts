import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, startPrivateMariadb, type LiveClient, type PrivateServer } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

// RTC on a MariaDB of this test's own, stopped (SIGKILL) the moment an order's event reaches the bus: the gateway
// cannot read the order its tick needs until MariaDB is back.
let mariadb: PrivateServer;
let stack: TestStack;
let analyst: { id: string; token: string };
let customer: { id: string; token: string };
let product: CreatedProduct;
let live: LiveClient | undefined;

interface Tick {
  salesTicks: { order: { id: string; total: { amount: number }; user: { name: string }; lines: { quantity: number; product: { name: string } }[] } };
}

const tickSelection = `subscription Ticks {
  salesTicks { order { id total { amount currency } user { name } lines { quantity product { name } } } }
}`;

beforeAll(async () => {
  mariadb = await startPrivateMariadb();
  stack = await startTestStack({ serverUrl: mariadb.url });
  const admin = await stack.createUser('ADMIN');
  analyst = await stack.createUser('ANALYST');
  customer = await stack.createUser('CUSTOMER', 'Grace Hopper');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_500, stock: 50, name: 'Brass Compass' }])) as [CreatedProduct];
}, 180_000);

afterAll(async () => {
  await live?.dispose();
  await mariadb?.start().catch(() => undefined);
  await stack?.stop();
  await mariadb?.close();
});

describe('a live sales tick while MariaDB is stopped', () => {
  it('arrives whole once MariaDB is back, rather than at once without its order', async () => {
    live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${analyst.token}` });
    const ticks = live.subscribe<Tick>(tickSelection);
    await new Promise((resolve) => setTimeout(resolve, 300));

    let placedOrderId: string | undefined;
    let stopped: Promise<void> | undefined;
    const unsubscribe = stack.bus.subscribe((event) => {
      if (event.type !== 'OrderPlaced' || stopped) return;
      placedOrderId = String(event.payload['orderId']);
      stopped = mariadb.stop({ kill: true });
    });
    try {
      // Its answer may or may not make it out before MariaDB goes: the event is what the tick is for.
      await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 2 }]).catch(() => undefined);
      for (let i = 0; i < 100 && !stopped; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped, 'the order event reached the bus').toBeDefined();
      await stopped;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(ticks.results, JSON.stringify(ticks.results)).toEqual([]);
    } finally {
      unsubscribe();
      await mariadb.start();
    }

    const tick = await ticks.next(60_000);
    expect(tick.errors, JSON.stringify(tick.errors)).toBeUndefined();
    expect(tick.data?.salesTicks.order).toEqual({
      id: placedOrderId,
      total: { amount: 3_000, currency: 'USD' },
      user: { name: 'Grace Hopper' },
      lines: [{ quantity: 2, product: { name: 'Brass Compass' } }],
    });
    ticks.stop();
  }, 120_000);
});
