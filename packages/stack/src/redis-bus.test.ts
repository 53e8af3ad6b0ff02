import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, type LiveClient } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type TestStack } from './testing';

let stack: TestStack;
let live: LiveClient;

beforeAll(async () => {
  stack = await startTestStack({ redisUrl: 'redis://127.0.0.1:6379' });
});

afterAll(async () => {
  await live?.dispose();
  await stack?.stop();
});

describe('the stack on the Redis event log', () => {
  it('carries order events from the orders outbox to gateway subscribers through Redis', async () => {
    const admin = await stack.createUser('ADMIN');
    const customer = await stack.createUser('CUSTOMER', 'Dorothy Vaughan');
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 4_200, stock: 5 }]);
    live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${admin.token}` });
    const ticks = live.subscribe<{ salesTicks: { order: { total: { amount: number }; user: { name: string } } } }>(
      'subscription { salesTicks { order { total { amount } user { name } } } }',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product!.id, quantity: 2 }]);
    expect((await ticks.next()).data!.salesTicks.order).toEqual({ total: { amount: 8_400 }, user: { name: 'Dorothy Vaughan' } });
  });
});
