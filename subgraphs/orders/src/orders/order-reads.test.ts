import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, queryRows, sqlQueryCount } from '@rtc/testkit';
import { startOrderStack, type Caller, type OrderStack } from '../testing';

const placeOrder = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }';
const orderQuery = 'query($id: ID!) { order(id: $id) { id status user { id } } }';
const entities =
  'query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id itemCount lines { product { id } quantity } } ... on User { id orders(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } } } }';

const admin: Caller = { userId: '1', role: 'ADMIN' };
const analyst: Caller = { userId: '2', role: 'ANALYST' };
const erin: Caller = { userId: '401' };
const frank: Caller = { userId: '402' };

let stack: OrderStack;
let cup: string;
let saucer: string;
const erinOrders: string[] = [];
let frankOrder: string;

async function place(as: Caller, key: string, lines: { productId: string; quantity: number }[]) {
  const result = await stack.call<{ placeOrder: { order: { id: string } } }>(placeOrder, { input: { idempotencyKey: key, lines } }, as);
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder.order.id;
}

beforeAll(async () => {
  stack = await startOrderStack();
  [cup, saucer] = await stack.seedProducts([
    { sku: 'CUP', price: 700, stock: 100 },
    { sku: 'SAUCER', price: 300, stock: 100 },
  ]);
  for (let i = 0; i < 3; i += 1)
    erinOrders.push(
      await place(erin, `erin-${i}`, [
        { productId: cup, quantity: i + 1 },
        { productId: saucer, quantity: 1 },
      ]),
    );
  frankOrder = await place(frank, 'frank-0', [{ productId: saucer, quantity: 2 }]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('reading orders', () => {
  it('shows customers their own orders and staff every order', async () => {
    expect((await stack.call(orderQuery, { id: erinOrders[0] }, erin)).data).toEqual({
      order: { id: erinOrders[0], status: 'PENDING', user: { id: erin.userId } },
    });
    expect((await stack.call(orderQuery, { id: erinOrders[0] }, analyst)).data).toMatchObject({ order: { id: erinOrders[0] } });
  });

  it("refuses another customer's order with FORBIDDEN", async () => {
    const result = await stack.call(orderQuery, { id: frankOrder }, erin);
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await stack.call(entities, { r: [{ __typename: 'Order', id: frankOrder }] }, erin))).toEqual(['FORBIDDEN']);
  });

  it('answers null for unknown and malformed ids, and asks for a caller', async () => {
    expect((await stack.call(orderQuery, { id: '987654321' }, erin)).data).toEqual({ order: null });
    expect((await stack.call(orderQuery, { id: 'RTC-1' }, erin)).data).toEqual({ order: null });
    expect(errorCodes(await stack.call(orderQuery, { id: frankOrder }, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('resolves many order references with their lines in one query per table', async () => {
    const before = await sqlQueryCount(stack.orders.metrics);
    const result = await stack.call<{ _entities: ({ id: string; itemCount: number; lines: { quantity: number }[] } | null)[] }>(
      entities,
      { r: [...erinOrders, '77777777'].map((id) => ({ __typename: 'Order', id })) },
      admin,
    );
    expect(await sqlQueryCount(stack.orders.metrics)).toBe(before + 2);
    expect(result.data?._entities.map((order) => order && [order.id, order.itemCount, order.lines.length])).toEqual([
      [erinOrders[0], 2, 2],
      [erinOrders[1], 3, 2],
      [erinOrders[2], 4, 2],
      null,
    ]);
  });

  it("pages through a user's orders newest first, for the user and staff only", async () => {
    type Page = { _entities: { orders: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }[] };
    const first = await stack.call<Page>(entities, { r: [{ __typename: 'User', id: erin.userId }] }, erin);
    const page = first.data!._entities[0]!.orders;
    expect(page.edges.map((edge) => edge.node.id)).toEqual([erinOrders[2], erinOrders[1]]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await stack.call<{ _entities: { orders: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } }[] }>(
      'query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on User { orders(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage } } } } }',
      { r: [{ __typename: 'User', id: erin.userId }], after: page.pageInfo.endCursor },
      analyst,
    );
    expect(next.data!._entities[0]!.orders).toEqual({ edges: [{ node: { id: erinOrders[0] } }], pageInfo: { hasNextPage: false } });
    expect(errorCodes(await stack.call(entities, { r: [{ __typename: 'User', id: erin.userId }] }, frank))).toEqual(['FORBIDDEN']);
  });

  it('lists all orders for staff, filtered by status, and refuses customers', async () => {
    const all = 'query($status: OrderStatus, $first: Int) { orders(first: $first, status: $status) { edges { node { id status } } pageInfo { hasNextPage } } }';
    await stack.call('mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id } } }', { id: frankOrder }, frank);
    const pending = await stack.call<{ orders: { edges: { node: { id: string } }[] } }>(all, { status: 'PENDING', first: 10 }, analyst);
    expect(pending.data!.orders.edges.map((edge) => edge.node.id)).toEqual([...erinOrders].reverse());
    const cancelled = await stack.call<{ orders: { edges: { node: { id: string } }[] } }>(all, { status: 'CANCELLED' }, admin);
    expect(cancelled.data!.orders.edges.map((edge) => edge.node.id)).toEqual([frankOrder]);
    expect(errorCodes(await stack.call(all, {}, erin))).toEqual(['FORBIDDEN']);
    const tooMany = await stack.call(all, { first: 101 }, admin);
    expect(tooMany.errors?.[0]?.message).toBe('first: must be at most 100');
    expect(errorCodes(await stack.call('{ orders(after: "nonsense") { pageInfo { hasNextPage } } }', {}, admin))).toEqual(['BAD_USER_INPUT']);
  });

  it('counts every order of a listing in totalCount, whatever the page, as SQL counts them', async () => {
    const counted = 'query($status: OrderStatus, $after: String) { orders(first: 1, status: $status, after: $after) { totalCount pageInfo { endCursor } } }';
    const [all] = await queryRows<{ n: number }>(stack.ordersDb.url, 'SELECT COUNT(*) AS n FROM orders');
    const [pending] = await queryRows<{ n: number }>(stack.ordersDb.url, "SELECT COUNT(*) AS n FROM orders WHERE status = 'PENDING'");
    const first = await stack.call<{ orders: { totalCount: number; pageInfo: { endCursor: string } } }>(counted, {}, admin);
    expect(first.data!.orders.totalCount).toBe(Number(all?.n));
    const second = await stack.call<{ orders: { totalCount: number } }>(counted, { after: first.data!.orders.pageInfo.endCursor }, admin);
    expect(second.data!.orders.totalCount).toBe(Number(all?.n));
    expect((await stack.call<{ orders: { totalCount: number } }>(counted, { status: 'PENDING' }, admin)).data!.orders.totalCount).toBe(Number(pending?.n));
    const own = await stack.call<{ _entities: { orders: { totalCount: number } }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 1) { totalCount } } } }',
      {
        r: [
          { __typename: 'User', id: erin.userId },
          { __typename: 'User', id: 'not-a-user' },
        ],
      },
      admin,
    );
    expect(own.data!._entities.map((user) => user.orders.totalCount)).toEqual([erinOrders.length, 0]);
  });

  it('leaves subscriptions to the gateway', async () => {
    const result = await stack.call('subscription { salesTicks { at } }', {}, admin);
    expect(result.errors?.length).toBeGreaterThan(0);
  });
});
