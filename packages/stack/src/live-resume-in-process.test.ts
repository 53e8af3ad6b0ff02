import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive, type LiveClient } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

interface Tick {
  readonly salesTicks: { readonly order: { readonly id: string } };
}
const ticksQuery = 'subscription { salesTicks { order { id } } }';

let stack: TestStack;
let analyst: { id: string; token: string };
let customer: { id: string; token: string };
let product: CreatedProduct;
const clients: LiveClient[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  const admin = await stack.createUser('ADMIN');
  analyst = await stack.createUser('ANALYST');
  customer = await stack.createUser('CUSTOMER');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 500, stock: 1_000 }])) as [CreatedProduct];
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

function subscribe(resumeAfter?: string) {
  const client = connectLive(stack.graphqlUrl, { authorization: `Bearer ${analyst.token}` });
  clients.push(client);
  return { client, ticks: client.subscribe<Tick>(ticksQuery, {}, resumeAfter === undefined ? {} : { resumeAfter }) };
}

async function order(): Promise<string> {
  const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]);
  expect(placed.errors).toBeUndefined();
  return placed.data!.placeOrder.order!.id;
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
const idsOf = (ticks: readonly { data?: Tick | null | undefined }[]) => ticks.map((tick) => tick.data?.salesTicks.order.id);

describe('resuming live subscriptions on the in-process event log', () => {
  it('replays exactly the ticks after resumeAfter, then goes on live', async () => {
    const first = subscribe();
    await settle();
    await order();
    await first.ticks.next();
    const position = first.ticks.position();
    expect(position).toMatch(/^\d+$/);
    await first.client.dispose();

    const missed = [await order(), await order()];
    const resumed = subscribe(position).ticks;
    for (let i = 0; i < missed.length; i++) await resumed.next();
    const live = await order();
    await resumed.next();
    await settle(800);
    expect(idsOf(resumed.results)).toEqual([...missed, live]);
  });

  it('starts live from a position this log never gave (from an earlier process)', async () => {
    await order();
    // Let that order's event be published before subscribing: it is not live for the new subscriber, and not replayed.
    await settle(800);
    const resumed = subscribe('999999').ticks;
    await settle();
    const live = await order();
    await resumed.next();
    await settle(800);
    expect(idsOf(resumed.results)).toEqual([live]);
  });
});
