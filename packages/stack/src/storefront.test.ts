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
      await call<{ signUp: typeof shopper }>('mutation($input: SignUpInput!) { signUp(input: $input) { token refreshToken user { id email } } }', {
        input: { email, password: 'shopper password 1', name: 'Shopper' },
      })
    ).signUp;
    expect(shopper.user.email).toBe(email);
    const profile = await call<{ updateProfile: { name: string } }>('mutation { updateProfile(input: { name: "Ada Shopper" }) { name } }', {}, shopper.token);
    expect(profile.updateProfile.name).toBe('Ada Shopper');
    const changed = await call<{ changePassword: typeof shopper }>(
      'mutation { changePassword(currentPassword: "shopper password 1", newPassword: "shopper password 2") { token refreshToken user { id email } } }',
      {},
      shopper.token,
    );
    const stale = await postGraphQL(stack.graphqlUrl, 'mutation($r: String!) { refreshSession(refreshToken: $r) { token } }', { r: shopper.refreshToken });
    expect(stale.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    shopper = changed.changePassword;
    expect(shopper.user.email).toBe(email);
    const reset = await call<{ requestPasswordReset: boolean }>('mutation { requestPasswordReset(email: "nobody.here@example.com") }');
    expect(reset.requestPasswordReset).toBe(true);
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
      ids.push(placed.data!.placeOrder.id);
    }
    const pay = 'mutation($id: ID!) { payOrder(orderId: $id, paymentToken: "tok_visa") { paymentStatus } }';
    expect((await call<{ payOrder: { paymentStatus: string } }>(pay, { id: ids[0] }, shopper.token)).payOrder.paymentStatus).toBe('PAID');
    await call(pay, { id: ids[1] }, shopper.token);
    const cancel = 'mutation($id: ID!) { cancelOrder(orderId: $id) { paymentStatus } }';
    expect((await call<{ cancelOrder: { paymentStatus: string } }>(cancel, { id: ids[1] }, shopper.token)).cancelOrder.paymentStatus).toBe('REFUNDED');
    expect((await call<{ cancelOrder: { paymentStatus: string } }>(cancel, { id: ids[2] }, shopper.token)).cancelOrder.paymentStatus).toBe('VOIDED');

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

  it("picks a size, carts and orders it, and sees that size's stock go down and the order line name it", async () => {
    const [tee] = await createProducts(stack.graphqlUrl, admin.token, [{ price: 2_000, stock: 6, name: 'Organic Tee' }]);
    const variantFields = 'variant { id title sku price { amount } }';
    // The product's default variant becomes size S; M and L are added beside it, each with its own price and stock.
    await call(
      `mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) { ${variantFields} errors { code } } }`,
      { input: { id: tee!.id, selectedOptions: [{ name: 'Size', value: 'S' }] } },
      admin.token,
    );
    const added: Record<string, string> = {};
    for (const [size, price, units] of [
      ['M', 2_000, 4],
      ['L', 2_300, 9],
    ] as const) {
      const result = await call<{ addProductVariant: { variant: { id: string }; errors: unknown[] } }>(
        `mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) { ${variantFields} errors { code } } }`,
        { input: { productId: tee!.id, sku: `TEE-${tee!.id}-${size}`, selectedOptions: [{ name: 'Size', value: size }], price } },
        admin.token,
      );
      expect(result.addProductVariant.errors).toEqual([]);
      added[size] = result.addProductVariant.variant.id;
      await call(
        'mutation($p: ID!, $v: ID, $q: Int!) { restock(productId: $p, variantId: $v, quantity: $q, reason: "opening stock") { available } }',
        { p: tee!.id, v: added[size], q: units },
        admin.token,
      );
    }

    type Page = {
      product: {
        options: { name: string; values: string[] }[];
        stock: { available: number };
        variants: { id: string; title: string; price: { amount: number }; stock: { available: number }; inStock: boolean }[];
      };
    };
    const page = `query($id: ID!) { product(id: $id) { options { name values } stock { available } variants { id title price { amount } stock { available } inStock } } }`;
    const before = (await call<Page>(page, { id: tee!.id }, shopper.token)).product;
    expect(before.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }]);
    expect(before.variants.map((variant) => [variant.title, variant.price.amount, variant.stock.available])).toEqual([
      ['S', 2_000, 6],
      ['M', 2_000, 4],
      ['L', 2_300, 9],
    ]);
    expect(before.stock.available).toBe(19);
    const large = before.variants.find((variant) => variant.title === 'L')!;

    const cart = await call<{ addToCart: { lines: { variant: { id: string; title: string }; quantity: number; unitPrice: { amount: number } }[] } }>(
      'mutation($p: ID!, $v: ID, $q: Int!) { addToCart(productId: $p, variantId: $v, quantity: $q) { lines { variant { id title } quantity unitPrice { amount } } } }',
      { p: tee!.id, v: large.id, q: 2 },
      shopper.token,
    );
    expect(cart.addToCart.lines).toEqual([{ variant: { id: large.id, title: 'L' }, quantity: 2, unitPrice: { amount: 2_300 } }]);
    const placed = await call<{
      placeOrder: { total: { amount: number }; lines: { product: { id: string }; variant: { id: string; title: string; sku: string }; quantity: number }[] };
    }>(
      'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { total { amount } lines { product { id } variant { id title sku } quantity } } }',
      { input: { fromCart: true, idempotencyKey: `tee-${tee!.id}` } },
      shopper.token,
    );
    expect(placed.placeOrder.total.amount).toBe(4_600);
    expect(placed.placeOrder.lines).toEqual([{ product: { id: tee!.id }, variant: { id: large.id, title: 'L', sku: `TEE-${tee!.id}-L` }, quantity: 2 }]);

    const after = (await call<Page>(page, { id: tee!.id }, shopper.token)).product;
    expect(after.variants.map((variant) => [variant.title, variant.stock.available])).toEqual([
      ['S', 6],
      ['M', 4],
      ['L', 7],
    ]);
    expect(after.stock.available).toBe(17);
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const top = await call<{ topVariants: { variant: { id: string }; units: number; revenue: { amount: number } }[] }>(
      'query($from: DateTime!, $to: DateTime!, $p: ID) { topVariants(from: $from, to: $to, productId: $p) { variant { id } units revenue { amount } } }',
      { from, to, p: tee!.id },
      admin.token,
    );
    expect(top.topVariants).toEqual([{ variant: { id: large.id }, units: 2, revenue: { amount: 4_600 } }]);
  });
});
