import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, queryRows } from '@rtc/testkit';
import { startOrderStack, type Caller, type OrderStack } from '../testing';

const cartFields = 'lines { product { id } quantity unitPrice { amount currency } lineTotal { amount currency } } subtotal { amount currency } itemCount';
const addToCart = `mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { ${cartFields} } }`;
const updateCartLine = `mutation($p: ID!, $q: Int!) { updateCartLine(productId: $p, quantity: $q) { ${cartFields} } }`;
const removeFromCart = `mutation($p: ID!) { removeFromCart(productId: $p) { ${cartFields} } }`;
const cartQuery = `{ cart { ${cartFields} } }`;

interface CartView {
  lines: { product: { id: string }; quantity: number; unitPrice: { amount: number }; lineTotal: { amount: number } }[];
  subtotal: { amount: number; currency: string };
  itemCount: number;
}

let stack: OrderStack;
let pen: string;
let ink: string;
let paper: string;
let retired: string;
let euro: string;

const carol: Caller = { userId: '301' };
const dave: Caller = { userId: '302' };

async function cartOf(as: Caller): Promise<CartView> {
  const result = await stack.call<{ cart: CartView }>(cartQuery, {}, as);
  expect(result.errors).toBeUndefined();
  return result.data!.cart;
}

const summary = (cart: CartView) => cart.lines.map((line) => [line.product.id, line.quantity, line.unitPrice.amount, line.lineTotal.amount]);

beforeAll(async () => {
  stack = await startOrderStack();
  [pen, ink, paper, retired, euro] = await stack.seedProducts([
    { sku: 'PEN', price: 250, stock: 100 },
    { sku: 'INK', price: 1_200, stock: 100 },
    { sku: 'PAPER', price: 600, stock: 100 },
    { sku: 'RETIRED', price: 100, active: false },
    { sku: 'EURO', price: 999, currency: 'EUR' },
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('cart', () => {
  it('starts empty in the store currency', async () => {
    expect(await cartOf(carol)).toEqual({ lines: [], subtotal: { amount: 0, currency: 'USD' }, itemCount: 0 });
  });

  it('adds, accumulates, sets and removes lines, priced from the catalog', async () => {
    await stack.call(addToCart, { p: pen, q: 2 }, carol);
    await stack.call(addToCart, { p: ink, q: 1 }, carol);
    const added = await stack.call<{ addToCart: CartView }>(addToCart, { p: pen, q: 3 }, carol);
    expect(summary(added.data!.addToCart)).toEqual([
      [pen, 5, 250, 1_250],
      [ink, 1, 1_200, 1_200],
    ]);
    expect(added.data!.addToCart.subtotal).toEqual({ amount: 2_450, currency: 'USD' });
    expect(added.data!.addToCart.itemCount).toBe(6);

    const updated = await stack.call<{ updateCartLine: CartView }>(updateCartLine, { p: ink, q: 4 }, carol);
    expect(summary(updated.data!.updateCartLine)).toEqual([
      [pen, 5, 250, 1_250],
      [ink, 4, 1_200, 4_800],
    ]);
    const zeroed = await stack.call<{ updateCartLine: CartView }>(updateCartLine, { p: pen, q: 0 }, carol);
    expect(summary(zeroed.data!.updateCartLine)).toEqual([[ink, 4, 1_200, 4_800]]);
    const removed = await stack.call<{ removeFromCart: CartView }>(removeFromCart, { p: ink }, carol);
    expect(removed.data!.removeFromCart.lines).toEqual([]);
  });

  it("shows today's price and leaves out products the store stopped selling", async () => {
    await stack.call(addToCart, { p: paper, q: 2 }, dave);
    await stack.call(addToCart, { p: pen, q: 1 }, dave);
    await queryRows(stack.catalogDb.url, 'UPDATE products SET price_amount = 650 WHERE id = ?', [paper]);
    // A product's price is its default variant's: the catalog changes both together.
    await queryRows(stack.catalogDb.url, 'UPDATE product_variants SET price_amount = 650 WHERE id = ?', [paper]);
    await queryRows(stack.catalogDb.url, 'UPDATE products SET active = FALSE WHERE id = ?', [pen]);
    const cart = await cartOf(dave);
    expect(summary(cart)).toEqual([[paper, 2, 650, 1_300]]);
    expect(cart.subtotal.amount).toBe(1_300);
    await queryRows(stack.catalogDb.url, 'UPDATE products SET active = TRUE WHERE id = ?', [pen]);
  });

  it('adds the same new product from many concurrent requests into one line holding every unit', async () => {
    const erin: Caller = { userId: '303' };
    const results = await Promise.all(Array.from({ length: 8 }, () => stack.call(addToCart, { p: ink, q: 2 }, erin)));
    expect(results.flatMap((result) => errorCodes(result))).toEqual([]);
    expect(summary(await cartOf(erin))).toEqual([[ink, 16, 1_200, 19_200]]);
  });

  it('keeps one cart per user', async () => {
    expect(summary(await cartOf(carol))).toEqual([]);
    expect((await cartOf(dave)).lines.length).toBe(2);
  });

  it.each([
    ['an unknown product', () => ({ p: '424242', q: 1 }), 'productId: unknown or inactive product 424242'],
    ['an inactive product', () => ({ p: retired, q: 1 }), 'productId: unknown or inactive product'],
    ['a malformed id', () => ({ p: 'pen', q: 1 }), 'productId:'],
    ['a zero quantity', () => ({ p: pen, q: 0 }), 'quantity: must be between 1 and 100'],
    ['more than 100 units in all', () => ({ p: paper, q: 99 }), 'quantity: the cart would hold 101 units'],
    ['another currency', () => ({ p: euro, q: 1 }), 'productId: the cart holds USD products'],
  ])('refuses to add %s', async (_name, variables, message) => {
    const before = await cartOf(dave);
    const result = await stack.call(addToCart, variables(), dave);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message.startsWith(message)).toBe(true);
    expect(await cartOf(dave)).toEqual(before);
  });

  it('refuses a negative quantity on update and asks for a caller', async () => {
    expect(errorCodes(await stack.call(updateCartLine, { p: pen, q: -1 }, dave))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.call(cartQuery, {}, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('orders the cart and empties it in the same transaction', async () => {
    const result = await stack.call<{ placeOrder: { total: { amount: number }; lines: { product: { id: string }; quantity: number }[] } }>(
      'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { total { amount } lines { product { id } quantity } } }',
      { input: { idempotencyKey: 'cart-order', fromCart: true } },
      dave,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.placeOrder.lines.map((line) => [line.product.id, line.quantity]).sort()).toEqual(
      [
        [paper, 2],
        [pen, 1],
      ].sort(),
    );
    expect(result.data!.placeOrder.total.amount).toBe(2 * 650 + 250);
    expect((await cartOf(dave)).lines).toEqual([]);
    expect(await stack.orderRows('SELECT * FROM cart_lines WHERE user_id = ?', [dave.userId])).toEqual([]);
  });
});
