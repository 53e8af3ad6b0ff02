import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, postGraphQL, startPrivateMariadb, type GraphQLResult, type PrivateServer } from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

// RTC on a MariaDB of this test's own, which it stops (SIGKILL) and starts again under the running services.
let mariadb: PrivateServer;
let stack: TestStack;
let customer: { id: string; token: string };
let product: CreatedProduct;

const productQuery = 'query Product($id: ID!) { product(id: $id) { id name } }';
const internalDetail = /\bselect\b|\binsert\b|\bupdate\b|`|ECONN|PROTOCOL_|127\.0\.0\.1|:\d{4,5}\b/i;

function expectUnavailable(result: GraphQLResult<unknown>) {
  const seen = JSON.stringify({ data: result.data, errors: result.errors });
  expect(errorCodes(result).length, seen).toBeGreaterThan(0);
  expect(new Set(errorCodes(result)), seen).toEqual(new Set(['SERVICE_UNAVAILABLE']));
  // The stack runs in development mode, whose errors carry stack traces on purpose; everything else is checked.
  const shown = result.errors?.map(({ extensions, ...error }) => ({ ...error, extensions: { ...extensions, stacktrace: undefined } }));
  expect(JSON.stringify(shown)).not.toMatch(internalDetail);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

beforeAll(async () => {
  mariadb = await startPrivateMariadb();
  stack = await startTestStack({ serverUrl: mariadb.url });
  const admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 990, stock: 100 }])) as [CreatedProduct];
  // Every service's pool holds open connections when the database goes away, as under traffic.
  expect((await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }])).errors).toBeUndefined();
}, 180_000);

afterAll(async () => {
  await mariadb?.start().catch(() => undefined);
  await stack?.stop();
  await mariadb?.close();
});

describe('MariaDB stopped under running services', () => {
  it('answers a read with SERVICE_UNAVAILABLE in a 503, without SQL, in under a second, and serves again once MariaDB is back, without a restart', async () => {
    await mariadb.stop({ kill: true });
    try {
      const { result, ms } = await timed(() => postGraphQL(stack.graphqlUrl, productQuery, { id: product.id }));
      expect(result.status, JSON.stringify(result.errors)).toBe(503);
      expect(result.headers.get('retry-after')).toBe('1');
      expectUnavailable(result);
      expect(ms).toBeLessThan(1_000);

      const again = await timed(() => postGraphQL(stack.graphqlUrl, productQuery, { id: product.id }));
      expectUnavailable(again.result);
      expect(again.ms).toBeLessThan(1_000);
    } finally {
      await mariadb.start();
    }
    const back = await postGraphQL<{ product: { name: string } }>(stack.graphqlUrl, productQuery, { id: product.id });
    expect(back.errors, JSON.stringify(back.errors)).toBeUndefined();
    expect(back.data?.product.name).toBe(product.name);
  });

  it('answers checkout with SERVICE_UNAVAILABLE, and checkout works again once MariaDB is back', async () => {
    await mariadb.stop({ kill: true });
    try {
      const { result, ms } = await timed(() => placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]));
      expect(result.status, JSON.stringify(result.errors)).toBe(503);
      expectUnavailable(result);
      expect(ms).toBeLessThan(1_000);
    } finally {
      await mariadb.start();
    }
    const placed = await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]);
    expect(placed.errors, JSON.stringify(placed.errors)).toBeUndefined();
    expect(placed.data?.placeOrder.order?.status).toBe('PENDING');
  });
});
