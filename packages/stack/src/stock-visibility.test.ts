import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, postGraphQL } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

let stack: TestStack;
let admin: { id: string; token: string };
let customer: { id: string; token: string };
let analyst: { id: string; token: string };
let onSale: CreatedProduct;
let withdrawn: CreatedProduct;
let withdrawnSku: string;

const callers = () => ({ anonymous: undefined, customer: customer.token, analyst: analyst.token });
type CallerName = keyof ReturnType<typeof callers>;

const stockQuery = `query($id: ID!) { product(id: $id) { stock { available status onHand reserved lowStockThreshold } inStock } }`;
interface StockResult {
  product: {
    stock: { available: number; status: string; onHand: number | null; reserved: number | null; lowStockThreshold: number | null };
    inStock: boolean;
  } | null;
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER');
  analyst = await stack.createUser('ANALYST');
  const created = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 1_000, stock: 30 },
    { price: 2_000, stock: 5 },
  ]);
  onSale = created[0]!;
  withdrawn = created[1]!;
  expect((await placeOrder(stack.graphqlUrl, customer.token, [{ productId: withdrawn.id, quantity: 2 }])).errors).toBeUndefined();
  const update = await postGraphQL<{ updateProduct: { product: { sku: string } } }>(
    stack.graphqlUrl,
    'mutation($id: ID!) { updateProduct(input: { id: $id, active: false }) { product { sku } errors { code } } }',
    { id: withdrawn.id },
    { token: admin.token },
  );
  expect(update.errors).toBeUndefined();
  withdrawnSku = update.data!.updateProduct.product.sku;
});

afterAll(async () => {
  await stack?.stop();
});

describe('stock figures', () => {
  // What each caller reads of a product with 30 units on hand, none reserved, threshold 10.
  const expected: Record<CallerName, { values: Record<string, unknown>; codes: (string | undefined)[] }> = {
    anonymous: { values: { onHand: null, reserved: null, lowStockThreshold: null }, codes: ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED'] },
    customer: { values: { onHand: null, reserved: null, lowStockThreshold: null }, codes: ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'] },
    analyst: { values: { onHand: 30, reserved: 0, lowStockThreshold: 10 }, codes: [] },
  };

  for (const name of Object.keys(expected) as CallerName[]) {
    it(`shows ${name} callers available and status, and warehouse figures to staff alone`, async () => {
      const result = await postGraphQL<StockResult>(stack.graphqlUrl, stockQuery, { id: onSale.id }, { token: callers()[name] });
      expect(result.status).toBe(200);
      expect(result.data?.product).toEqual({ stock: { available: 30, status: 'IN_STOCK', ...expected[name].values }, inStock: true });
      expect(errorCodes(result)).toEqual(expected[name].codes);
    });
  }

  it('answers a customer asking for available alone without any error', async () => {
    const result = await postGraphQL(
      stack.graphqlUrl,
      '{ products(first: 5) { edges { node { stock { available status } } } } }',
      {},
      { token: customer.token },
    );
    expect(result.errors).toBeUndefined();
  });
});

describe('withdrawn products', () => {
  const listing = 'query($filter: ProductFilter) { products(first: 50, filter: $filter) { edges { node { id active } } } }';
  type Listing = { products: { edges: { node: { id: string; active: boolean } }[] } };

  for (const name of ['anonymous', 'customer'] as const) {
    it(`refuses ${name} callers a listing with activeOnly: false`, async () => {
      const result = await postGraphQL<Listing>(stack.graphqlUrl, listing, { filter: { activeOnly: false } }, { token: callers()[name] });
      expect(errorCodes(result)).toEqual([name === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
      expect(result.data).toBeNull();
    });

    it(`hides a withdrawn product by id and SKU from ${name} callers, as if unknown`, async () => {
      const result = await postGraphQL(
        stack.graphqlUrl,
        'query($id: ID!, $sku: String!) { product(id: $id) { name } productBySku(sku: $sku) { name } }',
        { id: withdrawn.id, sku: withdrawnSku },
        { token: callers()[name] },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ product: null, productBySku: null });
    });
  }

  it('lists withdrawn products for staff and shows them by id and SKU', async () => {
    const result = await postGraphQL<Listing>(stack.graphqlUrl, listing, { filter: { activeOnly: false } }, { token: analyst.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.products.edges.map((edge) => edge.node)).toContainEqual({ id: withdrawn.id, active: false });
    const byKey = await postGraphQL(
      stack.graphqlUrl,
      'query($id: ID!, $sku: String!) { product(id: $id) { active } productBySku(sku: $sku) { active } }',
      { id: withdrawn.id, sku: withdrawnSku },
      { token: analyst.token },
    );
    expect(byKey.data).toEqual({ product: { active: false }, productBySku: { active: false } });
  });

  it('still shows a customer the withdrawn product in the lines of their own order', async () => {
    const result = await postGraphQL<{ me: { orders: { edges: { node: { lines: { product: { id: string; name: string } }[] } }[] } } }>(
      stack.graphqlUrl,
      '{ me { orders(first: 5) { edges { node { lines { product { id name } } } } } } }',
      {},
      { token: customer.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.me.orders.edges[0]!.node.lines[0]!.product).toEqual({ id: withdrawn.id, name: withdrawn.name });
  });

  it('lists only products on sale for anyone by default', async () => {
    const result = await postGraphQL<Listing>(stack.graphqlUrl, listing, {}, {});
    expect(result.errors).toBeUndefined();
    expect(result.data!.products.edges.map((edge) => edge.node)).toEqual([{ id: onSale.id, active: true }]);
  });
});
