import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, failureCodes, payloadErrorCodes, postGraphQL, queryRows } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type TestStack } from './testing';

let stack: TestStack;
let admin: { id: string; token: string };

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
});

afterAll(async () => {
  await stack?.stop();
});

interface StockFigures {
  on_hand: number;
  reserved: number;
  available: number;
}

const stockOf = async (productId: string) =>
  (await queryRows<StockFigures>(stack.databaseUrl('inventory'), 'SELECT on_hand, reserved, available FROM stock WHERE product_id = ?', [productId]))[0]!;

const ledgerSum = async (productId: string) =>
  (
    await queryRows<{ on_hand: number; available: number }>(
      stack.databaseUrl('inventory'),
      'SELECT COALESCE(SUM(delta_on_hand), 0) AS on_hand, COALESCE(SUM(delta_available), 0) AS available FROM stock_ledger WHERE product_id = ?',
      [productId],
    )
  )[0]!;

describe('checkout through the gateway', () => {
  it('never oversells: 200 concurrent orders for 50 units give exactly 50 orders', async () => {
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_500, stock: 50 }]);
    const customers = await Promise.all(Array.from({ length: 20 }, () => stack.createUser('CUSTOMER')));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, n) => placeOrder(stack.graphqlUrl, customers[n % customers.length]!.token, [{ productId: product!.id, quantity: 1 }])),
    );
    const placed = results.filter((result) => result.data?.placeOrder.order);
    const refused = results.filter((result) => !result.data?.placeOrder.order);
    expect(placed).toHaveLength(50);
    // Each refusal is a typed failure, not a GraphQL error.
    expect(refused.flatMap((result) => result.errors ?? [])).toEqual([]);
    expect(new Set(refused.flatMap((result) => failureCodes(result)))).toEqual(new Set(['OUT_OF_STOCK']));

    const stock = await stockOf(product!.id);
    expect(stock.available).toBe(0);
    expect(stock.reserved).toBe(50);
    const ledger = await ledgerSum(product!.id);
    expect(ledger).toEqual({ on_hand: stock.on_hand, available: stock.available });
    const [orders] = await queryRows<{ n: number; units: number }>(
      stack.databaseUrl('orders'),
      'SELECT COUNT(DISTINCT o.id) AS n, SUM(l.quantity) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.product_id = ?',
      [product!.id],
    );
    expect(orders).toEqual({ n: 50, units: 50 });
  });

  it('returns one order for 20 concurrent calls with the same idempotency key', async () => {
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 900, stock: 100 }]);
    const customer = await stack.createUser('CUSTOMER');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => placeOrder(stack.graphqlUrl, customer.token, [{ productId: product!.id, quantity: 2 }], 'same-key-42')),
    );
    const ids = new Set(results.map((result) => result.data?.placeOrder.order?.id));
    expect(results.flatMap(failureCodes)).toEqual([]);
    expect(ids.size).toBe(1);
    expect((await stockOf(product!.id)).available).toBe(98);
    const [count] = await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [customer.id]);
    expect(count!.n).toBe(1);
  });

  it('leaves the first line untouched when the second line is out of stock', async () => {
    const [plenty, scarce] = await createProducts(stack.graphqlUrl, admin.token, [
      { price: 1_000, stock: 10 },
      { price: 2_000, stock: 1 },
    ]);
    const customer = await stack.createUser('CUSTOMER');
    const result = await placeOrder(stack.graphqlUrl, customer.token, [
      { productId: plenty!.id, quantity: 3 },
      { productId: scarce!.id, quantity: 2 },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?.placeOrder).toEqual({
      order: null,
      errors: [{ code: 'OUT_OF_STOCK', message: `Out of stock: ${scarce!.id}`, productIds: [scarce!.id] }],
    });
    expect(await stockOf(plenty!.id)).toEqual({ on_hand: 10, reserved: 0, available: 10 });
    expect(await stockOf(scarce!.id)).toEqual({ on_hand: 1, reserved: 0, available: 1 });
    const [count] = await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [customer.id]);
    expect(count!.n).toBe(0);
  });

  it('hides the internal reservation mutation from clients', async () => {
    const result = await postGraphQL(
      stack.graphqlUrl,
      'mutation { reserveStock(input: { reference: "x", lines: [{ productId: "1", quantity: 1 }] }) { reference } }',
      {},
      { token: admin.token },
    );
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('refuses every illegal lifecycle transition with a typed INVALID_TRANSITION', async () => {
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 500, stock: 20 }]);
    const customer = await stack.createUser('CUSTOMER');
    const place = async () => (await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product!.id, quantity: 1 }])).data!.placeOrder.order!.id;
    const act = (mutation: string, orderId: string, token = admin.token) =>
      postGraphQL<Record<string, { order: { status: string } | null }>>(
        stack.graphqlUrl,
        mutation === 'payOrder'
          ? 'mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { status } errors { code } } }'
          : `mutation($id: ID!) { ${mutation}(input: { orderId: $id }) { order { status } errors { code } } }`,
        { id: orderId },
        { token },
      );
    // PENDING: cannot ship or deliver.
    const pending = await place();
    expect(payloadErrorCodes(await act('shipOrder', pending))).toEqual(['INVALID_TRANSITION']);
    expect(failureCodes(await act('deliverOrder', pending))).toEqual(['INVALID_TRANSITION']);
    // PAID -> SHIPPED -> DELIVERED; then nothing else.
    const paid = await place();
    expect((await act('payOrder', paid, customer.token)).data?.['payOrder']?.order?.status).toBe('PAID');
    expect(failureCodes(await act('payOrder', paid, customer.token))).toEqual(['INVALID_TRANSITION']);
    expect(failureCodes(await act('deliverOrder', paid))).toEqual(['INVALID_TRANSITION']);
    expect((await act('shipOrder', paid)).data?.['shipOrder']?.order?.status).toBe('SHIPPED');
    expect(failureCodes(await act('cancelOrder', paid))).toEqual(['INVALID_TRANSITION']);
    expect((await act('deliverOrder', paid)).data?.['deliverOrder']?.order?.status).toBe('DELIVERED');
    for (const mutation of ['payOrder', 'shipOrder', 'deliverOrder', 'cancelOrder']) {
      expect(failureCodes(await act(mutation, paid))).toEqual(['INVALID_TRANSITION']);
    }
    // CANCELLED is final.
    const cancelled = await place();
    expect((await act('cancelOrder', cancelled, customer.token)).data?.['cancelOrder']?.order?.status).toBe('CANCELLED');
    for (const mutation of ['payOrder', 'shipOrder', 'deliverOrder', 'cancelOrder']) {
      expect(failureCodes(await act(mutation, cancelled))).toEqual(['INVALID_TRANSITION']);
    }
    // Cancelling released the stock of the cancelled order only.
    const stock = await stockOf(product!.id);
    expect(stock.available).toBe(20 - 2);
  });

  it("refuses to show or cancel another customer's order", async () => {
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 700, stock: 5 }]);
    const owner = await stack.createUser('CUSTOMER');
    const stranger = await stack.createUser('CUSTOMER');
    const orderId = (await placeOrder(stack.graphqlUrl, owner.token, [{ productId: product!.id, quantity: 1 }])).data!.placeOrder.order!.id;
    const read = await postGraphQL(stack.graphqlUrl, 'query($id: ID!) { order(id: $id) { id } }', { id: orderId }, { token: stranger.token });
    expect(errorCodes(read)).toEqual(['FORBIDDEN']);
    const cancel = await postGraphQL(
      stack.graphqlUrl,
      'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { status } } }',
      { id: orderId },
      { token: stranger.token },
    );
    expect(errorCodes(cancel)).toEqual(['FORBIDDEN']);
    expect((await stockOf(product!.id)).available).toBe(4);
  });

  it.each([
    [[{ quantity: 0 }], 'quantity'],
    [[{ quantity: -3 }], 'quantity'],
    [[{ quantity: 1_000 }], 'quantity'],
    [[], 'lines'],
  ])('refuses lines %j with BAD_USER_INPUT and writes nothing', async (lines, argument) => {
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 100, stock: 5 }]);
    const customer = await stack.createUser('CUSTOMER');
    const result = await placeOrder(
      stack.graphqlUrl,
      customer.token,
      lines.map((line) => ({ productId: product!.id, ...line })),
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain(argument);
    expect((await stockOf(product!.id)).available).toBe(5);
  });

  it('refuses unknown products and an over-long idempotency key', async () => {
    const customer = await stack.createUser('CUSTOMER');
    const unknown = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: '987654', quantity: 1 }]);
    expect(unknown.data?.placeOrder).toEqual({
      order: null,
      errors: [{ code: 'PRODUCT_UNAVAILABLE', message: 'input.lines: unknown or inactive products: 987654', productIds: ['987654'] }],
    });
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 100, stock: 5 }]);
    const longKey = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product!.id, quantity: 1 }], 'k'.repeat(65));
    expect(errorCodes(longKey)).toEqual(['BAD_USER_INPUT']);
    expect(longKey.errors?.[0]?.message).toContain('idempotencyKey');
  });

  it("charges catalog's new price and refuses a withdrawn product once catalog's ProductChanged arrives, though checkout keeps prices it has seen", async () => {
    const customer = await stack.createUser('CUSTOMER');
    const [product] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_000, stock: 20 }]);
    const line = [{ productId: product!.id, quantity: 1 }];
    const totalOf = async () => {
      const result = await placeOrder(stack.graphqlUrl, customer.token, line);
      return result.data?.placeOrder.order?.total.amount ?? failureCodes(result).join();
    };
    expect(await totalOf()).toBe(1_000);
    const update = (input: string) =>
      postGraphQL(
        stack.graphqlUrl,
        `mutation($id: ID!) { updateProduct(input: { id: $id, ${input} }) { errors { code } } }`,
        { id: product!.id },
        { token: admin.token },
      );
    expect(payloadErrorCodes(await update('price: 1250'))).toEqual([]);
    // The event reaches orders within milliseconds; far sooner than the cache's 30 s bound.
    await expect.poll(totalOf, { timeout: 5_000, interval: 50 }).toBe(1_250);
    expect(payloadErrorCodes(await update('active: false'))).toEqual([]);
    await expect.poll(totalOf, { timeout: 5_000, interval: 50 }).toBe('PRODUCT_UNAVAILABLE');
  });
});
