import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, unwrapPayloads, type GraphQLResult } from '@rtc/testkit';
import { startOrderStack, type OrderStack } from '../testing';

const cartFields = 'lines { product { id } variant { id } quantity unitPrice { amount } } subtotal { amount }';
const failures = 'errors { code message field }';
const addToCart = `mutation($p: ID!, $v: ID, $q: Int!) { addToCart(input: { productId: $p, variantId: $v, quantity: $q }) { cart { ${cartFields} } ${failures} } }`;
const removeFromCart = `mutation($p: ID!, $v: ID) { removeFromCart(input: { productId: $p, variantId: $v }) { cart { ${cartFields} } ${failures} } }`;
const placeOrder = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id total { amount } lines { product { id } variant { id } quantity unitPrice { amount } } } errors { code message field productIds variantIds } }
}`;

type Cart = { lines: { product: { id: string }; variant: { id: string }; quantity: number; unitPrice: { amount: number } }[]; subtotal: { amount: number } };
type Order = { id: string; total: { amount: number }; lines: Cart['lines'] };

let stack: OrderStack;

/** The stack's answer with each mutation payload read as its result (a typed failure as an error with its code). */
const call = async <T = Record<string, unknown>>(...args: Parameters<OrderStack['call']>): Promise<GraphQLResult<T>> =>
  unwrapPayloads(await stack.call<T>(...args));
let tee: string;
let mug: string;
let sizes: Record<string, string>;

const available = async (stockId: string) =>
  (await stack.inventoryRows<{ available: number }>('SELECT available FROM stock WHERE product_id = ?', [stockId]))[0]?.available;

beforeAll(async () => {
  stack = await startOrderStack();
  [tee, mug] = await stack.seedProducts([
    {
      sku: 'TEE',
      price: 2_000,
      stock: 10,
      variants: [
        { size: 'M', price: 2_000, stock: 5 },
        { size: 'XL', price: 2_500, stock: 2 },
      ],
    },
    { sku: 'MUG', price: 850, stock: 10 },
  ]);
  sizes = await stack.variantsOf(tee);
});

afterAll(async () => {
  await stack?.stop();
});

describe('ordering a variant', () => {
  it("prices a size at its own price, reserves that size's stock and records it on the line and in the rollups", async () => {
    const result = await call<{ placeOrder: Order }>(
      placeOrder,
      {
        input: {
          idempotencyKey: 'xl-1',
          lines: [
            { productId: tee, variantId: sizes['XL'], quantity: 2 },
            { productId: tee, quantity: 1 },
            { productId: mug, quantity: 1 },
          ],
        },
      },
      { userId: '201' },
    );
    expect(result.errors).toBeUndefined();
    const order = result.data!.placeOrder;
    expect(order.total.amount).toBe(2 * 2_500 + 2_000 + 850);
    expect(order.lines.map((line) => [line.product.id, line.variant.id, line.quantity, line.unitPrice.amount])).toEqual(
      expect.arrayContaining([
        [tee, sizes['XL'], 2, 2_500],
        [tee, tee, 1, 2_000],
        [mug, mug, 1, 850],
      ]),
    );
    expect([await available(sizes['XL']!), await available(tee), await available(sizes['M']!)]).toEqual([0, 9, 5]);
    const rollup = await stack.orderRows<{ variant_id: number; units: number; orders: number }>(
      'SELECT variant_id, SUM(units) AS units, SUM(orders) AS orders FROM variant_sales_by_minute WHERE product_id = ? GROUP BY variant_id ORDER BY variant_id',
      [tee],
    );
    expect(rollup.map((row) => [String(row.variant_id), Number(row.units), Number(row.orders)])).toEqual([
      [tee, 1, 1],
      [sizes['XL'], 2, 1],
    ]);
    // The product counts the order once, whatever sizes it held.
    const [product] = await stack.orderRows<{ units: number; orders: number }>(
      'SELECT SUM(units) AS units, SUM(orders) AS orders FROM product_sales_by_minute WHERE product_id = ?',
      [tee],
    );
    expect([Number(product!.units), Number(product!.orders)]).toEqual([3, 1]);
  });

  it('refuses a sold-out size as OUT_OF_STOCK naming the product and the variant, while other sizes still sell', async () => {
    const short = await call(
      placeOrder,
      { input: { idempotencyKey: 'xl-2', lines: [{ productId: tee, variantId: sizes['XL'], quantity: 1 }] } },
      { userId: '202' },
    );
    expect(errorCodes(short)).toEqual(['OUT_OF_STOCK']);
    expect(short.errors?.[0]?.extensions).toMatchObject({ productIds: [tee], variantIds: [sizes['XL']] });
    const medium = await call(
      placeOrder,
      { input: { idempotencyKey: 'm-1', lines: [{ productId: tee, variantId: sizes['M'], quantity: 1 }] } },
      { userId: '202' },
    );
    expect(medium.errors).toBeUndefined();
  });

  it('refuses a variant named under another product as BAD_USER_INPUT, reserving nothing', async () => {
    const before = await available(sizes['M']!);
    const wrong = await call(
      placeOrder,
      { input: { idempotencyKey: 'wrong-1', lines: [{ productId: mug, variantId: sizes['M'], quantity: 1 }] } },
      { userId: '203' },
    );
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
    expect(await available(sizes['M']!)).toBe(before);
  });

  it('keeps sizes apart in the cart and orders the cart per variant', async () => {
    const customer = { userId: '204' };
    await call(addToCart, { p: tee, v: sizes['M'], q: 1 }, customer);
    await call(addToCart, { p: tee, q: 2 }, customer);
    const cart = (await call<{ addToCart: Cart }>(addToCart, { p: tee, v: sizes['M'], q: 1 }, customer)).data!.addToCart;
    expect(cart.lines.map((line) => [line.variant.id, line.quantity, line.unitPrice.amount])).toEqual([
      [sizes['M'], 2, 2_000],
      [tee, 2, 2_000],
    ]);
    const stranger = await call(addToCart, { p: mug, v: sizes['M'], q: 1 }, customer);
    expect(errorCodes(stranger)).toEqual(['BAD_USER_INPUT']);
    const removed = (await call<{ removeFromCart: Cart }>(removeFromCart, { p: tee }, customer)).data!.removeFromCart;
    expect(removed.lines.map((line) => line.variant.id)).toEqual([sizes['M']]);
    const placed = await call<{ placeOrder: Order }>(placeOrder, { input: { idempotencyKey: 'cart-1', fromCart: true } }, customer);
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeOrder.lines.map((line) => [line.variant.id, line.quantity])).toEqual([[sizes['M'], 2]]);
  });
});
