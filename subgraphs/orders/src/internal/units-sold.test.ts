import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalClient, createPooledFetch, ErrorCode, type InternalClient } from '@rtc/service-kit';
import { queryRows, testInternalToken } from '@rtc/testkit';
import { startOrderStack, type Caller, type OrderStack } from '../testing';

const placeOrder = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }';
const gina: Caller = { userId: '501' };

let stack: OrderStack;
let client: InternalClient;
const fetch = createPooledFetch({ timeoutMs: 5_000 });
let [mug, plate, bowl] = ['', '', ''];
const started = new Date(Date.now() - 60_000);

async function place(key: string, lines: { productId: string; quantity: number }[]): Promise<string> {
  const result = await stack.call<{ placeOrder: { order: { id: string } } }>(placeOrder, { input: { idempotencyKey: key, lines } }, gina);
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder.order.id;
}

const unitsSold = (from: Date, to: Date) => client.call<{ products: [number, number][] }>('units-sold', { from: from.toISOString(), to: to.toISOString() });

beforeAll(async () => {
  stack = await startOrderStack();
  client = createInternalClient({ baseUrl: stack.orders.graphqlUrl, internalToken: testInternalToken, fetch });
  [mug, plate, bowl] = await stack.seedProducts([
    { sku: 'MUG', price: 900, stock: 100 },
    { sku: 'PLATE', price: 1_200, stock: 100 },
    { sku: 'BOWL', price: 800, stock: 100 },
  ]);
  await place('units-1', [
    { productId: mug, quantity: 3 },
    { productId: plate, quantity: 1 },
  ]);
  const cancelled = await place('units-2', [{ productId: mug, quantity: 2 }]);
  await stack.call('mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id } errors { code } } }', { id: cancelled }, gina);
});

afterAll(async () => {
  await fetch.close();
  await stack?.stop();
});

describe('units-sold', () => {
  it('answers the units of every order placed in the window per product, cancelled ones too, as SQL sums the lines', async () => {
    const to = new Date(Date.now() + 120_000);
    const { products } = await unitsSold(started, to);
    const expected = await queryRows<{ product_id: number; units: number }>(
      stack.ordersDb.url,
      'SELECT l.product_id, SUM(l.quantity) AS units FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.placed_at >= ? AND o.placed_at < ? GROUP BY l.product_id ORDER BY l.product_id',
      [started, to],
    );
    expect(products).toEqual(expected.map((row) => [Number(row.product_id), Number(row.units)]));
    expect(products).toEqual([
      [Number(mug), 5],
      [Number(plate), 1],
    ]);
    expect(products.some(([id]) => id === Number(bowl))).toBe(false);
  });

  it('answers nothing for a window before any sale', async () => {
    expect(await unitsSold(new Date('2020-01-01T00:00:00Z'), new Date('2020-02-01T00:00:00Z'))).toEqual({ products: [] });
  });

  it('refuses a window that ends before it starts or spans more than a year, with BAD_USER_INPUT', async () => {
    await expect(unitsSold(new Date('2026-02-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'))).rejects.toMatchObject({
      extensions: { code: ErrorCode.BadUserInput },
    });
    await expect(unitsSold(new Date('2024-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'))).rejects.toMatchObject({
      extensions: { code: ErrorCode.BadUserInput },
    });
    await expect(client.call('units-sold', { from: 'yesterday', to: 'today' })).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput } });
  });

  it('refuses a caller without the internal token', async () => {
    const stranger = createInternalClient({ baseUrl: stack.orders.graphqlUrl, internalToken: 'wrong-token', fetch });
    await expect(stranger.call('units-sold', { from: started.toISOString(), to: new Date().toISOString() })).rejects.toMatchObject({
      extensions: { code: ErrorCode.Unauthenticated },
    });
  });
});
