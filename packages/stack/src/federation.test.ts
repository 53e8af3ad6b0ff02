import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, postGraphQL, sqlQueryCount } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

let stack: TestStack;
let customer: { id: string; token: string };
let products: CreatedProduct[];

const myOrders = `{
  me { name orders(first: 5) { edges { node {
    total { amount currency }
    lines { quantity product { name stock { available } } }
  } } } }
}`;

interface MyOrders {
  me: {
    name: string;
    orders: {
      edges: {
        node: { total: { amount: number; currency: string }; lines: { quantity: number; product: { name: string; stock: { available: number } } }[] };
      }[];
    };
  };
}

beforeAll(async () => {
  stack = await startTestStack();
  const admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER', 'Grace Hopper');
  products = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 1_999, stock: 40 },
    { price: 5_000, stock: 40 },
    { price: 250, stock: 40 },
  ]);
  for (const [index, product] of products.entries()) {
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [
      { productId: product.id, quantity: index + 1 },
      { productId: products[(index + 1) % products.length]!.id, quantity: 1 },
    ]);
    expect(placed.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('the federated graph', () => {
  it('answers one query with data from all four subgraphs', async () => {
    const result = await postGraphQL<MyOrders>(stack.graphqlUrl, myOrders, {}, { token: customer.token });
    expect(result.errors).toBeUndefined();
    const me = result.data!.me;
    expect(me.name).toBe('Grace Hopper');
    expect(me.orders.edges).toHaveLength(3);
    const lines = me.orders.edges.flatMap((edge) => edge.node.lines);
    expect(new Set(lines.map((line) => line.product.name))).toEqual(new Set(products.map((product) => product.name)));
    // 1+1, 2+1, 3+1 units were reserved out of 40 of each product.
    const available = Object.fromEntries(lines.map((line) => [line.product.name, line.product.stock.available]));
    expect(available).toEqual({ [products[0]!.name]: 40 - 1 - 1, [products[1]!.name]: 40 - 2 - 1, [products[2]!.name]: 40 - 3 - 1 });
    const newest = me.orders.edges[0]!.node;
    expect(newest.total).toEqual({ amount: 3 * 250 + 1_999, currency: 'USD' });
  });

  it('looks entities up with one SQL query per subgraph', async () => {
    const counts = async () =>
      Object.fromEntries(await Promise.all(Object.entries(stack.subgraphs).map(async ([name, subgraph]) => [name, await sqlQueryCount(subgraph.metrics)])));
    const before = await counts();
    const result = await postGraphQL(stack.graphqlUrl, myOrders, {}, { token: customer.token });
    expect(result.errors).toBeUndefined();
    const after = await counts();
    // activity takes no part in the query (it may be writing the order facts of the orders placed before it).
    const spent = Object.fromEntries(
      Object.keys(after)
        .filter((name) => name !== 'activity')
        .map((name) => [name, after[name] - before[name]]),
    );
    // users: me; catalog: every product of every line; inventory: every stock row; orders: the page, then its lines.
    expect(spent).toEqual({ users: 1, catalog: 1, inventory: 1, orders: 2 });
  });

  it('returns null for unknown ids instead of failing', async () => {
    const result = await postGraphQL<{ product: null; order: null }>(
      stack.graphqlUrl,
      '{ product(id: "999999") { name } order(id: "999999") { id } }',
      {},
      { token: customer.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ product: null, order: null });
  });

  it.each([
    ['{ products(first: -1) { edges { node { id } } } }', 'first'],
    ['{ products(first: 1000) { edges { node { id } } } }', 'first'],
    ['{ products(first: 5, after: "not-a-cursor") { edges { node { id } } } }', 'after'],
  ])('refuses %s naming the argument', async (query, argument) => {
    const result = await postGraphQL(stack.graphqlUrl, query);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain(argument);
  });

  it('refuses a query nested deeper than the limit before calling any subgraph', async () => {
    const deep = `{ me { orders { edges { node { lines { product { category { products { edges { node { category { products { edges { node { id } } } } } } } } } } } } } } }`;
    const result = await postGraphQL(stack.graphqlUrl, deep, {}, { token: customer.token });
    expect(errorCodes(result)).toContain('QUERY_TOO_COMPLEX');
  });

  it('refuses an invalid or expired token with UNAUTHENTICATED', async () => {
    const result = await postGraphQL(stack.graphqlUrl, '{ me { id } }', {}, { token: 'not-a-jwt' });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('passes the request id from the gateway to the subgraphs', async () => {
    const response = await fetch(stack.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-123' },
      body: JSON.stringify({ query: '{ categories { id } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
  });
});
