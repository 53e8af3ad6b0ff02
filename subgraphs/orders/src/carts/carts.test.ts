import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, queryRows } from '@rtc/testkit';
import { startOrderStack, type Caller, type OrderStack } from '../testing';
import { cartTokenHash } from './carts';

const cartFields = 'lines { product { id } quantity unitPrice { amount currency } lineTotal { amount currency } } subtotal { amount currency } itemCount';
const payload = `cart { ${cartFields} } errors { code message field productIds }`;
const addToCart = `mutation($p: ID!, $q: Int!, $t: String) { addToCart(input: { productId: $p, quantity: $q, cartToken: $t }) { ${payload} } }`;
const updateCartLine = `mutation($p: ID!, $q: Int!, $t: String) { updateCartLine(input: { productId: $p, quantity: $q, cartToken: $t }) { ${payload} } }`;
const removeFromCart = `mutation($p: ID!, $t: String) { removeFromCart(input: { productId: $p, cartToken: $t }) { ${payload} } }`;
const createCart = `mutation($input: CreateCartInput!) { createCart(input: $input) { cartToken cart { ${cartFields} expiresAt } errors { code field productIds } } }`;
const mergeCart = `mutation($t: String!) { mergeCart(input: { cartToken: $t }) { ${payload} } }`;
const cartQuery = `query($t: String) { cart(cartToken: $t) { ${cartFields} } }`;

interface CartView {
  lines: { product: { id: string }; quantity: number; unitPrice: { amount: number }; lineTotal: { amount: number } }[];
  subtotal: { amount: number; currency: string };
  itemCount: number;
}

interface Payload {
  cart: CartView | null;
  errors: { code: string; message: string; field: string[] | null; productIds: string[] | null }[];
}

let stack: OrderStack;
let pen: string;
let ink: string;
let paper: string;
let retired: string;
let euro: string;

const carol: Caller = { userId: '301' };
const dave: Caller = { userId: '302' };

async function cartOf(as: Caller | null, cartToken?: string): Promise<CartView> {
  const result = await stack.call<{ cart: CartView }>(cartQuery, { t: cartToken }, as);
  expect(result.errors).toBeUndefined();
  return result.data!.cart;
}

/** Runs a cart mutation that must succeed and answers its cart. */
async function change(mutation: string, variables: Record<string, unknown>, as: Caller | null): Promise<CartView> {
  const result = await stack.call<Record<string, Payload>>(mutation, variables, as);
  expect(result.errors).toBeUndefined();
  const answer = Object.values(result.data!)[0]!;
  expect(answer.errors).toEqual([]);
  return answer.cart!;
}

async function newGuestCart(lines: { productId: string; quantity: number }[] = []): Promise<string> {
  const result = await stack.call<{ createCart: { cartToken: string } }>(createCart, { input: { lines } }, null);
  expect(result.errors).toBeUndefined();
  return result.data!.createCart.cartToken;
}

const summary = (cart: CartView) => cart.lines.map((line) => [line.product.id, line.quantity, line.unitPrice.amount, line.lineTotal.amount]);

beforeAll(async () => {
  stack = await startOrderStack({
    config: { pricing: { shippingFee: 500, shippingFreeFrom: 10_000, defaultTaxRate: 100_000 }, guestCartTtlSeconds: 3_600 },
  });
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
    await change(addToCart, { p: pen, q: 2 }, carol);
    await change(addToCart, { p: ink, q: 1 }, carol);
    const added = await change(addToCart, { p: pen, q: 3 }, carol);
    expect(summary(added)).toEqual([
      [pen, 5, 250, 1_250],
      [ink, 1, 1_200, 1_200],
    ]);
    expect(added.subtotal).toEqual({ amount: 2_450, currency: 'USD' });
    expect(added.itemCount).toBe(6);

    const updated = await change(updateCartLine, { p: ink, q: 4 }, carol);
    expect(summary(updated)).toEqual([
      [pen, 5, 250, 1_250],
      [ink, 4, 1_200, 4_800],
    ]);
    const zeroed = await change(updateCartLine, { p: pen, q: 0 }, carol);
    expect(summary(zeroed)).toEqual([[ink, 4, 1_200, 4_800]]);
    const removed = await change(removeFromCart, { p: ink }, carol);
    expect(removed.lines).toEqual([]);
  });

  it('breaks the total into subtotal, flat shipping (free from the threshold) and tax at the default rate', async () => {
    const totals = 'subtotal { amount } shippingTotal { amount } taxTotal { amount } discountTotal { amount } total { amount }';
    const read = async () => {
      const result = await stack.call<{ cart: Record<string, { amount: number }> }>(`{ cart { ${totals} } }`, {}, { userId: '310' });
      return Object.values(result.data!.cart).map((money) => money.amount);
    };
    expect(await read()).toEqual([0, 0, 0, 0, 0]);
    await change(addToCart, { p: pen, q: 3 }, { userId: '310' });
    // 750 + 500 shipping + 10% of 750 = 75.
    expect(await read()).toEqual([750, 500, 75, 0, 1_325]);
    await change(addToCart, { p: ink, q: 8 }, { userId: '310' });
    // 10,350 ships free; 10% = 1,035.
    expect(await read()).toEqual([10_350, 0, 1_035, 0, 11_385]);
  });

  it("shows today's price and leaves out products the store stopped selling", async () => {
    await change(addToCart, { p: paper, q: 2 }, dave);
    await change(addToCart, { p: pen, q: 1 }, dave);
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
    ['an unknown product', () => ({ p: '424242', q: 1 }), 'PRODUCT_UNAVAILABLE', () => ['424242']],
    ['an inactive product', () => ({ p: retired, q: 1 }), 'PRODUCT_UNAVAILABLE', () => [retired]],
    ['another currency', () => ({ p: euro, q: 1 }), 'CURRENCY_MISMATCH', () => [euro]],
  ])('answers %s as a typed error in the payload and changes nothing', async (_name, variables, code, productIds) => {
    const before = await cartOf(dave);
    const result = await stack.call<{ addToCart: Payload }>(addToCart, variables(), dave);
    expect(result.errors).toBeUndefined();
    expect(result.data!.addToCart).toMatchObject({ cart: null, errors: [{ code, field: ['input', 'productId'], productIds: productIds() }] });
    expect(await cartOf(dave)).toEqual(before);
  });

  it.each([
    ['a malformed id', () => ({ p: 'pen', q: 1 }), 'input.productId:'],
    ['a zero quantity', () => ({ p: pen, q: 0 }), 'input.quantity: must be between 1 and 100'],
    ['more than 100 units in all', () => ({ p: paper, q: 99 }), 'input.quantity: the cart would hold 101 units'],
  ])('refuses to add %s as BAD_USER_INPUT', async (_name, variables, message) => {
    const before = await cartOf(dave);
    const result = await stack.call(addToCart, variables(), dave);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message.startsWith(message)).toBe(true);
    expect(await cartOf(dave)).toEqual(before);
  });

  it('refuses a negative quantity on update and asks for a caller or a cart token', async () => {
    expect(errorCodes(await stack.call(updateCartLine, { p: pen, q: -1 }, dave))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await stack.call(cartQuery, {}, null))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await stack.call(addToCart, { p: pen, q: 1 }, null))).toEqual(['UNAUTHENTICATED']);
  });

  it('orders the cart and empties it in the same transaction', async () => {
    const result = await stack.call<{ placeOrder: { order: { total: { amount: number }; lines: { product: { id: string }; quantity: number }[] } } }>(
      'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { total { amount } lines { product { id } quantity } } errors { code } } }',
      { input: { idempotencyKey: 'cart-order', fromCart: true } },
      dave,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.placeOrder.order.lines.map((line) => [line.product.id, line.quantity]).sort()).toEqual(
      [
        [paper, 2],
        [pen, 1],
      ].sort(),
    );
    // 1,550 of lines, 500 shipping, 10% tax (155) at the default rate without an address.
    expect(result.data!.placeOrder.order.total.amount).toBe(2 * 650 + 250 + 500 + 155);
    expect((await cartOf(dave)).lines).toEqual([]);
    expect(await stack.orderRows('SELECT * FROM cart_lines WHERE user_id = ?', [dave.userId])).toEqual([]);
  });
});

describe('guest carts', () => {
  it('are created without log-in, hold lines by token and keep only the token hash', async () => {
    const result = await stack.call<{ createCart: { cartToken: string; cart: CartView & { expiresAt: string }; errors: unknown[] } }>(
      createCart,
      { input: { lines: [{ productId: pen, quantity: 2 }] } },
      null,
    );
    expect(result.errors).toBeUndefined();
    const { cartToken, cart, errors } = result.data!.createCart;
    expect(errors).toEqual([]);
    expect(cartToken.length).toBeGreaterThanOrEqual(43);
    expect(summary(cart)).toEqual([[pen, 2, 250, 500]]);
    expect(Date.parse(cart.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);

    expect(summary(await change(addToCart, { p: ink, q: 1, t: cartToken }, null))).toEqual([
      [pen, 2, 250, 500],
      [ink, 1, 1_200, 1_200],
    ]);
    expect(summary(await change(updateCartLine, { p: pen, q: 5, t: cartToken }, null))).toEqual([
      [pen, 5, 250, 1_250],
      [ink, 1, 1_200, 1_200],
    ]);
    expect(summary(await change(removeFromCart, { p: ink, t: cartToken }, null))).toEqual([[pen, 5, 250, 1_250]]);
    expect(summary(await cartOf(null, cartToken))).toEqual([[pen, 5, 250, 1_250]]);

    const stored = await stack.orderRows('SELECT token_hash FROM guest_carts');
    expect(JSON.stringify(stored)).not.toContain(cartToken);
    expect(errorCodes(await stack.call(cartQuery, { t: `${cartToken}x` }, null))).toEqual(['NOT_FOUND']);
  });

  it('adds from many concurrent requests into one line holding every unit', async () => {
    const token = await newGuestCart();
    const results = await Promise.all(Array.from({ length: 8 }, () => stack.call(addToCart, { p: paper, q: 3, t: token }, null)));
    expect(results.flatMap((result) => errorCodes(result))).toEqual([]);
    expect((await cartOf(null, token)).lines.map((line) => [line.product.id, line.quantity])).toEqual([[paper, 24]]);
  });

  it('refuses a first line the store does not sell, creating nothing', async () => {
    const before = await stack.orderRows('SELECT COUNT(*) AS n FROM guest_carts');
    const result = await stack.call<{ createCart: { cartToken: string | null; errors: { code: string; field: string[] }[] } }>(
      createCart,
      {
        input: {
          lines: [
            { productId: pen, quantity: 1 },
            { productId: retired, quantity: 1 },
          ],
        },
      },
      null,
    );
    expect(result.data!.createCart).toMatchObject({ cartToken: null, errors: [{ code: 'PRODUCT_UNAVAILABLE', field: ['input', 'lines', '1', 'productId'] }] });
    expect(await stack.orderRows('SELECT COUNT(*) AS n FROM guest_carts')).toEqual(before);
  });

  it('merge into the customer cart after log-in, adding up quantities capped at 100, and are gone after', async () => {
    const frank: Caller = { userId: '304' };
    await change(addToCart, { p: pen, q: 60 }, frank);
    await change(addToCart, { p: paper, q: 1 }, frank);
    const token = await newGuestCart([
      { productId: pen, quantity: 50 },
      { productId: ink, quantity: 3 },
    ]);
    expect(errorCodes(await stack.call(mergeCart, { t: token }, null))).toEqual(['UNAUTHENTICATED']);
    const merged = await change(mergeCart, { t: token }, frank);
    expect(summary(merged)).toEqual([
      [pen, 100, 250, 25_000],
      [paper, 1, 650, 650],
      [ink, 3, 1_200, 3_600],
    ]);
    expect(errorCodes(await stack.call(cartQuery, { t: token }, null))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.call(mergeCart, { t: token }, frank))).toEqual(['NOT_FOUND']);
    expect(await stack.orderRows('SELECT * FROM guest_cart_lines WHERE cart_id NOT IN (SELECT id FROM guest_carts)')).toEqual([]);
  });

  it('merge once when the same token is merged twice at the same time', async () => {
    const grace: Caller = { userId: '305' };
    const token = await newGuestCart([{ productId: ink, quantity: 2 }]);
    const results = await Promise.all([stack.call(mergeCart, { t: token }, grace), stack.call(mergeCart, { t: token }, grace)]);
    expect(results.flatMap((result) => errorCodes(result)).sort()).toEqual(['NOT_FOUND']);
    expect(summary(await cartOf(grace))).toEqual([[ink, 2, 1_200, 2_400]]);
  });

  it('expire: an expired cart reads as unknown and is deleted when a cart is next created', async () => {
    const token = await newGuestCart([{ productId: pen, quantity: 1 }]);
    await queryRows(stack.ordersDb.url, 'UPDATE guest_carts SET expires_at = ? WHERE token_hash = ?', [new Date(Date.now() - 1_000), cartTokenHash(token)]);
    expect(errorCodes(await stack.call(cartQuery, { t: token }, null))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await stack.call(addToCart, { p: pen, q: 1, t: token }, null))).toEqual(['NOT_FOUND']);
    await newGuestCart();
    expect(await stack.orderRows('SELECT id FROM guest_carts WHERE expires_at <= ?', [new Date()])).toEqual([]);
    expect(await stack.orderRows('SELECT * FROM guest_cart_lines WHERE cart_id NOT IN (SELECT id FROM guest_carts)')).toEqual([]);
  });
});
