import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, queryRows } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

/** A shop front written against the gateway as a new client would write it: accounts, browsing, paying, the figures. */
let stack: TestStack;
let admin: { id: string; token: string };
let products: CreatedProduct[];
let categoryId: string;

async function call<T>(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const result = await postGraphQL<T>(stack.graphqlUrl, query, variables, token ? { token } : {});
  expect(result.errors, query).toBeUndefined();
  return result.data!;
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  products = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 900, stock: 50, name: 'Enamel Mug' },
    { price: 2_400, stock: 50, name: 'Linen Apron' },
    { price: 6_500, stock: 50, name: 'Cast Iron Pan' },
    { price: 31_000, stock: 50, name: 'Copper Kettle' },
  ]);
  const [row] = await queryRows<{ category_id: number }>(stack.databaseUrl('catalog'), 'SELECT category_id FROM products WHERE id = ?', [products[0]!.id]);
  categoryId = String(row!.category_id);
});

afterAll(async () => {
  await stack?.stop();
});

describe('a storefront through the gateway', () => {
  let shopper: { token: string; refreshToken: string; user: { id: string; email: string } };

  it('signs up and sees its own email, updates its profile, and changes its password ending the old session', async () => {
    const email = `shopper.${Date.now()}@example.com`;
    shopper = (
      await call<{ signUp: typeof shopper }>(
        'mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id email } errors { code } } }',
        {
          input: { email, password: 'shopper password 1', name: 'Shopper' },
        },
      )
    ).signUp;
    expect(shopper.user.email).toBe(email);
    const profile = await call<{ updateProfile: { user: { name: string } } }>(
      'mutation { updateProfile(input: { name: "Ada Shopper" }) { user { name } errors { code } } }',
      {},
      shopper.token,
    );
    expect(profile.updateProfile.user.name).toBe('Ada Shopper');
    const changed = await call<{ changePassword: typeof shopper }>(
      'mutation { changePassword(input: { currentPassword: "shopper password 1", newPassword: "shopper password 2" }) { token refreshToken user { id email } errors { code } } }',
      {},
      shopper.token,
    );
    const stale = await postGraphQL(stack.graphqlUrl, 'mutation($r: String!) { refreshSession(input: { refreshToken: $r }) { token errors { code } } }', {
      r: shopper.refreshToken,
    });
    expect(stale.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    shopper = changed.changePassword;
    expect(shopper.user.email).toBe(email);
    const reset = await call<{ requestPasswordReset: { requested: boolean } }>(
      'mutation { requestPasswordReset(input: { email: "nobody.here@example.com" }) { requested errors { code } } }',
    );
    expect(reset.requestPasswordReset).toEqual({ requested: true, errors: [] });
  });

  it('pages a category two at a time with counts, page edges and facets', async () => {
    const query = `query($first: Int, $after: String, $filter: ProductFilter) {
      products(first: $first, after: $after, filter: $filter, sort: PRICE_ASC) {
        totalCount
        edges { cursor node { name } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        facets { categories { category { id } count } priceBands { minPrice count } }
      }
    }`;
    type Page = {
      products: {
        totalCount: number;
        edges: { cursor: string; node: { name: string } }[];
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
        facets: { categories: { category: { id: string }; count: number }[]; priceBands: { minPrice: number; count: number }[] };
      };
    };
    const first = (await call<Page>(query, { first: 2, filter: { categoryId } })).products;
    expect(first.totalCount).toBe(4);
    expect(first.edges.map((edge) => edge.node.name)).toEqual(['Enamel Mug', 'Linen Apron']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor });
    expect(first.facets.categories).toEqual([{ category: { id: categoryId }, count: 4 }]);
    expect(first.facets.priceBands.filter((band) => band.count > 0)).toEqual([
      { minPrice: 0, count: 1 },
      { minPrice: 1_000, count: 1 },
      { minPrice: 5_000, count: 1 },
      { minPrice: 25_000, count: 1 },
    ]);
    const second = (await call<Page>(query, { first: 2, after: first.pageInfo.endCursor, filter: { categoryId } })).products;
    expect(second.edges.map((edge) => edge.node.name)).toEqual(['Cast Iron Pan', 'Copper Kettle']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const cheap = (await call<Page>(query, { first: 0, filter: { categoryId, maxPrice: 2_399 } })).products;
    expect([cheap.totalCount, cheap.facets.priceBands.reduce((sum, band) => sum + band.count, 0)]).toEqual([1, 4]);
  });

  it('orders, pays and cancels, and the payment status and gross and net figures agree with the orders', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const ids: string[] = [];
    for (const [index, product] of products.slice(0, 3).entries()) {
      const placed = await placeOrder(stack.graphqlUrl, shopper.token, [{ productId: product.id, quantity: index + 1 }]);
      expect(placed.errors).toBeUndefined();
      ids.push(placed.data!.placeOrder.order!.id);
    }
    type Changed = Record<string, { order: { paymentStatus: string } }>;
    const pay = 'mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { paymentStatus } errors { code } } }';
    expect((await call<Changed>(pay, { id: ids[0] }, shopper.token))['payOrder']!.order.paymentStatus).toBe('PAID');
    await call(pay, { id: ids[1] }, shopper.token);
    const cancel = 'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { paymentStatus } errors { code } } }';
    expect((await call<Changed>(cancel, { id: ids[1] }, shopper.token))['cancelOrder']!.order.paymentStatus).toBe('REFUNDED');
    expect((await call<Changed>(cancel, { id: ids[2] }, shopper.token))['cancelOrder']!.order.paymentStatus).toBe('VOIDED');

    const to = new Date(Date.now() + 60_000).toISOString();
    const figures = 'orders revenue { amount } units';
    const summary = await call<{ salesSummary: { current: Record<'gross' | 'net', { orders: number; revenue: { amount: number }; units: number }> } }>(
      `query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { gross { ${figures} } net { ${figures} } } } }`,
      { from, to },
      admin.token,
    );
    const [raw] = await queryRows<Record<string, unknown>>(
      stack.databaseUrl('orders'),
      `SELECT COUNT(*) AS gross_orders, SUM(total_amount) AS gross_revenue, SUM(item_count) AS gross_units,
         SUM(status IN ('PAID', 'SHIPPED', 'DELIVERED')) AS net_orders, SUM(IF(status IN ('PAID', 'SHIPPED', 'DELIVERED'), total_amount, 0)) AS net_revenue,
         SUM(IF(status IN ('PAID', 'SHIPPED', 'DELIVERED'), item_count, 0)) AS net_units
       FROM orders WHERE placed_at >= ? AND placed_at < ?`,
      [new Date(from), new Date(to)],
    );
    const { gross, net } = summary.salesSummary.current;
    expect([gross.orders, gross.revenue.amount, gross.units]).toEqual([
      Number(raw!['gross_orders']),
      Number(raw!['gross_revenue']),
      Number(raw!['gross_units']),
    ]);
    expect([net.orders, net.revenue.amount, net.units]).toEqual([Number(raw!['net_orders']), Number(raw!['net_revenue']), Number(raw!['net_units'])]);
    expect([gross.orders, net.orders, net.revenue.amount]).toEqual([3, 1, 900]);
  });

  it('switches on typed failures: each names what went wrong, leaves its result null and writes nothing', async () => {
    type Payload = { errors: { code: string; field: string[] | null; productIds?: string[] | null }[] } & Record<string, unknown>;
    const wrong = await call<{ logIn: Payload }>('mutation($input: LogInInput!) { logIn(input: $input) { token errors { code field } } }', {
      input: { email: shopper.user.email, password: 'not the password' },
    });
    expect(wrong.logIn).toEqual({ token: null, errors: [{ code: 'UNAUTHENTICATED', field: null }] });

    const kettle = products[3]!;
    const order = 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code field productIds } } }';
    const short = await call<{ placeOrder: Payload }>(
      order,
      { input: { idempotencyKey: 'too-many-kettles', lines: [{ productId: kettle.id, quantity: 51 }] } },
      shopper.token,
    );
    expect(short.placeOrder).toEqual({ order: null, errors: [{ code: 'OUT_OF_STOCK', field: null, productIds: [kettle.id] }] });
    const empty = await call<{ placeOrder: Payload }>(order, { input: { idempotencyKey: 'empty-cart', fromCart: true } }, shopper.token);
    expect(empty.placeOrder).toEqual({ order: null, errors: [{ code: 'CART_EMPTY', field: ['input', 'fromCart'], productIds: null }] });

    const placed = await placeOrder(stack.graphqlUrl, shopper.token, [{ productId: kettle.id, quantity: 1 }]);
    const orderId = placed.data!.placeOrder.order!.id;
    const reused = await call<{ placeOrder: Payload }>(
      order,
      { input: { idempotencyKey: 'kettle-key', lines: [{ productId: kettle.id, quantity: 1 }] } },
      shopper.token,
    );
    expect(reused.placeOrder.errors).toEqual([]);
    const again = await call<{ placeOrder: Payload }>(
      order,
      { input: { idempotencyKey: 'kettle-key', lines: [{ productId: kettle.id, quantity: 2 }] } },
      shopper.token,
    );
    expect(again.placeOrder.errors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'], productIds: null }]);

    const pay = 'mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status } errors { code } } }';
    const declined = await call<{ payOrder: Payload }>(pay, { input: { orderId, paymentToken: 'tok_decline_card' } }, shopper.token);
    expect(declined.payOrder).toEqual({ order: null, errors: [{ code: 'PAYMENT_DECLINED' }] });
    await call(`mutation { cancelOrder(input: { orderId: "${orderId}" }) { errors { code } } }`, {}, shopper.token);
    const afterCancel = await call<{ payOrder: Payload }>(pay, { input: { orderId, paymentToken: 'tok_visa' } }, shopper.token);
    expect(afterCancel.payOrder).toEqual({ order: null, errors: [{ code: 'INVALID_TRANSITION' }] });

    const [stock] = await queryRows<{ available: number }>(stack.databaseUrl('inventory'), 'SELECT available FROM stock WHERE product_id = ?', [kettle.id]);
    // The cancelled order's kettle came back; the kettle-key order holds one, its refused second payload nothing.
    expect(stock!.available).toBe(50 - 1);
    const [paid] = await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders WHERE id = ? AND paid_at IS NOT NULL', [
      orderId,
    ]);
    expect(Number(paid!.n)).toBe(0);
  });
});
