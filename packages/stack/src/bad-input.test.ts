import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, postGraphQL, queryRows } from '@rtc/testkit';
import type { SubgraphName } from '@rtc/gateway';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

let stack: TestStack;
let admin: { id: string; token: string };
let customer: { id: string; token: string };
let analyst: { id: string; token: string };
let product: CreatedProduct;
let categoryId: string;

const counted: Record<SubgraphName, readonly string[]> = {
  users: ['users'],
  catalog: ['products', 'categories', 'product_images'],
  orders: ['orders', 'order_lines', 'cart_lines', 'outbox'],
  inventory: ['stock', 'reservations', 'stock_ledger', 'outbox'],
  activity: ['behaviour_events', 'sessions', 'activity_minutes'],
};

/** Rows of every table a bad request could write to. */
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [database, tables] of Object.entries(counted) as [SubgraphName, readonly string[]][]) {
    for (const table of tables) {
      const [row] = await queryRows<{ n: number }>(stack.databaseUrl(database), `SELECT COUNT(*) AS n FROM \`${table}\``);
      counts[`${database}.${table}`] = Number(row!.n);
    }
  }
  return counts;
}

const placeOrderMutation = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code } } }';
const addToCart = 'mutation($id: ID!, $quantity: Int!) { addToCart(input: { productId: $id, quantity: $quantity }) { cart { itemCount } } }';
const signUp = 'mutation($input: SignUpInput!) { signUp(input: $input) { token errors { code } } }';
const createProduct = 'mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } errors { code } } }';
const createCategory = 'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } errors { code } } }';
const restock =
  'mutation($id: ID!, $reason: String!) { restock(input: { productId: $id, quantity: 1, reason: $reason }) { stock { available } errors { code } } }';

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER');
  analyst = await stack.createUser('ANALYST');
  product = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_000, stock: 50 }]))[0]!;
  const [row] = await queryRows<{ category_id: number }>(stack.databaseUrl('catalog'), 'SELECT category_id FROM products WHERE id = ?', [product.id]);
  categoryId = String(row!.category_id);
});

afterAll(async () => {
  await stack?.stop();
});

describe('DateTime arguments', () => {
  const series = 'query($from: DateTime!, $to: DateTime!) { salesSeries(from: $from, to: $to, bucket: HOUR) { start } }';

  for (const from of ['1', '2026-02-30T00:00:00Z', 'yesterday', '']) {
    it(`refuses ${JSON.stringify(from)} as a variable with 400 BAD_USER_INPUT, never as some other day`, async () => {
      const result = await postGraphQL(stack.graphqlUrl, series, { from, to: '2026-11-25T18:00:00Z' }, { token: analyst.token });
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });
  }

  it('refuses a malformed literal with 400 before any subgraph is asked', async () => {
    const result = await postGraphQL(
      stack.graphqlUrl,
      '{ salesSeries(from: "1", to: "2026-11-25T18:00:00Z", bucket: HOUR) { start } }',
      {},
      { token: analyst.token },
    );
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('reads instants with an offset', async () => {
    const result = await postGraphQL<{ salesSeries: { start: string }[] }>(
      stack.graphqlUrl,
      series,
      { from: '2026-11-25T18:00:00+02:00', to: '2026-11-25T19:00:00+02:00' },
      { token: analyst.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.salesSeries.map((point) => point.start)).toEqual(['2026-11-25T16:00:00.000Z']);
  });
});

describe('sums of minor units', () => {
  it('carries an order total and a revenue above 2^31 minor units to the client', async () => {
    const [gem] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 2_000_000_000, stock: 3 }]);
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: gem!.id, quantity: 2 }]);
    expect(placed.errors).toBeUndefined();
    expect(placed.data!.placeOrder.order!.total).toEqual({ amount: 4_000_000_000, currency: 'USD' });
    const now = Date.now();
    const series = await postGraphQL<{ salesSeries: { revenue: { amount: number } }[] }>(
      stack.graphqlUrl,
      'query($from: DateTime!, $to: DateTime!) { salesSeries(from: $from, to: $to, bucket: HOUR) { revenue { amount } } }',
      { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() },
      { token: analyst.token },
    );
    expect(series.errors).toBeUndefined();
    const revenue = series.data!.salesSeries.reduce((sum, point) => sum + point.revenue.amount, 0);
    expect(revenue).toBe(4_000_000_000);
    expect(revenue).toBeGreaterThan(2 ** 31);
  });
});

describe('bad input writes nothing', () => {
  const cases: [string, () => [string, Record<string, unknown>, string | undefined], number, string][] = [
    [
      'a negative quantity',
      () => [placeOrderMutation, { input: { idempotencyKey: 'neg', lines: [{ productId: product.id, quantity: -1 }] } }, customer.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a zero quantity',
      () => [placeOrderMutation, { input: { idempotencyKey: 'zero', lines: [{ productId: product.id, quantity: 0 }] } }, customer.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a quantity over 100',
      () => [placeOrderMutation, { input: { idempotencyKey: 'many', lines: [{ productId: product.id, quantity: 101 }] } }, customer.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a quantity beyond 32 bits',
      () => [placeOrderMutation, { input: { idempotencyKey: 'huge', lines: [{ productId: product.id, quantity: 2 ** 40 }] } }, customer.token],
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a fractional quantity',
      () => [placeOrderMutation, { input: { idempotencyKey: 'half', lines: [{ productId: product.id, quantity: 1.5 }] } }, customer.token],
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a quantity as a string',
      () => [placeOrderMutation, { input: { idempotencyKey: 'text', lines: [{ productId: product.id, quantity: '1' }] } }, customer.token],
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a client-supplied unit price',
      () => [placeOrderMutation, { input: { idempotencyKey: 'price', lines: [{ productId: product.id, quantity: 1, unitPrice: 1 }] } }, customer.token],
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a client-supplied total',
      () => [
        placeOrderMutation,
        { input: { idempotencyKey: 'total', lines: [{ productId: product.id, quantity: 1 }], total: { amount: 1, currency: 'USD' } } },
        customer.token,
      ],
      400,
      'BAD_USER_INPUT',
    ],
    ['a zero cart quantity', () => [addToCart, { id: product.id, quantity: 0 }, customer.token], 200, 'BAD_USER_INPUT'],
    ['a negative cart quantity', () => [addToCart, { id: product.id, quantity: -3 }, customer.token], 200, 'BAD_USER_INPUT'],
    ['a cart quantity beyond 32 bits', () => [addToCart, { id: product.id, quantity: 3_000_000_000 }, customer.token], 400, 'BAD_USER_INPUT'],
    [
      'a 10,000-character sign-up name',
      () => [signUp, { input: { email: 'long@test.rtc.example', password: 'a long enough password', name: 'x'.repeat(10_000) } }, undefined],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a sign-up name with NUL and escape characters',
      () => [signUp, { input: { email: 'ctrl@test.rtc.example', password: 'a long enough password', name: 'Eve\u0000\u001b[2J' } }, undefined],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a 10,000-character product name',
      () => [createProduct, { input: { sku: 'LONG-NAME', name: 'x'.repeat(10_000), price: 100, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a product name with control characters',
      () => [createProduct, { input: { sku: 'CTRL-NAME', name: 'Mug\u0000\u0007', price: 100, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a product name with a bidi override',
      () => [createProduct, { input: { sku: 'BIDI-NAME', name: 'Mug \u202Egnp.exe', price: 100, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a product description with NUL',
      () => [createProduct, { input: { sku: 'CTRL-DESC', name: 'Mug', description: 'hot\u0000', price: 100, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a negative product price',
      () => [createProduct, { input: { sku: 'NEG-PRICE', name: 'Mug', price: -1, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a fractional product price',
      () => [createProduct, { input: { sku: 'HALF-PRICE', name: 'Mug', price: 9.99, categoryId } }, admin.token],
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a SQL-like SKU',
      () => [createProduct, { input: { sku: "X'; DROP TABLE products; --", name: 'Mug', price: 100, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a javascript: image URL',
      () => [createProduct, { input: { sku: 'SCRIPT-IMG', name: 'Mug', price: 100, categoryId, images: [{ url: 'javascript:alert(1)' }] } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a compare-at price under the price',
      () => [createProduct, { input: { sku: 'LOW-COMPARE', name: 'Mug', price: 100, compareAtPrice: 50, categoryId } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    [
      'a category under a parent that does not exist',
      () => [createCategory, { input: { name: 'Orphans', parentId: '987654' } }, admin.token],
      200,
      'BAD_USER_INPUT',
    ],
    ['a 10,000-character category name', () => [createCategory, { input: { name: 'x'.repeat(10_000) } }, admin.token], 200, 'BAD_USER_INPUT'],
    ['a category name with control characters', () => [createCategory, { input: { name: 'Tea\u0008\u0000' } }, admin.token], 200, 'BAD_USER_INPUT'],
    ['a restock reason with control characters', () => [restock, { id: product.id, reason: 'delivery\u0000\u001b[31m' }, admin.token], 200, 'BAD_USER_INPUT'],
  ];

  for (const [what, request, status, code] of cases) {
    it(`answers ${what} with ${status} ${code} and writes nothing`, async () => {
      const before = await rowCounts();
      const [query, variables, token] = request();
      const result = await postGraphQL(stack.graphqlUrl, query, variables, { token });
      expect(result.status).toBe(status);
      expect(errorCodes(result)).toEqual([code]);
      expect(await rowCounts()).toEqual(before);
    });
  }

  it('still answers a good request promptly afterwards', async () => {
    const started = Date.now();
    const result = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]);
    expect(result.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
