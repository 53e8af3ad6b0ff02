import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, defaultOperationLimits, type Gateway, type SubgraphName } from '@rtc/gateway';
import { createOrdersSubgraph } from '@rtc/orders';
import { createLogger, createServiceMetrics } from '@rtc/service-kit';
import {
  errorCodes,
  postGraphQL,
  queryRows,
  startFaultProxy,
  startService,
  testInternalToken,
  testJwtSecret,
  type FaultProxy,
  type GraphQLResult,
  type RunningService,
} from '@rtc/testkit';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

// The gateway under test reaches every subgraph through a proxy that can take it down (ECONNREFUSED, as a killed
// process), freeze it (connections accepted, never answered, as SIGSTOP) or break an answer's connection. Its orders
// is a second orders instance whose calls to catalog and inventory pass through proxies of their own.
const queryTimeoutMs = 600;
const catalogTimeoutMs = 500;

let stack: TestStack;
let admin: { id: string; token: string };
let customer: { id: string; token: string };
let product: CreatedProduct;
let categoryId: string;
let proxies: Record<SubgraphName, FaultProxy>;
let ordersCatalog: FaultProxy;
let ordersInventory: FaultProxy;
let orders: RunningService<Awaited<ReturnType<typeof createOrdersSubgraph>>>;
let gateway: Gateway;
let graphqlUrl: string;

// Hosts, ports, driver and transport errors, SQL: nothing of it may reach a client.
const internalDetail = /127\.0\.0\.1|localhost|ECONN|UND_ERR|Timeout Error|socket|\bselect\b|\binsert\b|:\d{4,5}\b/i;

function expectUnavailable(result: GraphQLResult<unknown>) {
  const seen = JSON.stringify({ data: result.data, errors: result.errors });
  expect(errorCodes(result).length, seen).toBeGreaterThan(0);
  expect(new Set(errorCodes(result)), seen).toEqual(new Set(['SERVICE_UNAVAILABLE']));
  expect(JSON.stringify(result.errors)).not.toMatch(internalDetail);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

const productQuery = 'query Product($id: ID!) { product(id: $id) { id name } }';

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_250, stock: 500 }])) as [CreatedProduct];
  const category = await postGraphQL<{ createCategory: { category: { id: string } } }>(
    stack.graphqlUrl,
    'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } errors { code } } }',
    { input: { name: `Faults ${randomBytes(3).toString('hex')}` } },
    { token: admin.token },
  );
  categoryId = category.data!.createCategory.category.id;

  ordersCatalog = await startFaultProxy(`${stack.subgraphs.catalog.url}/graphql`);
  ordersInventory = await startFaultProxy(`${stack.subgraphs.inventory.url}/graphql`);
  orders = await startService('orders', stack.databaseUrl('orders'), (deps) =>
    createOrdersSubgraph(
      {
        production: true,
        internalToken: testInternalToken,
        catalogUrl: ordersCatalog.url,
        inventoryUrl: ordersInventory.url,
        catalogTimeoutMs,
        storeTimeZone: 'UTC',
        storeCurrency: 'USD',
        paymentTtlSeconds: 15 * 60,
        expirySweepSeconds: 0,
        paymentMaxAmount: 1_000_000,
      },
      deps,
    ),
  );
  proxies = {
    users: await startFaultProxy(`${stack.subgraphs.users.url}/graphql`),
    catalog: await startFaultProxy(`${stack.subgraphs.catalog.url}/graphql`),
    inventory: await startFaultProxy(`${stack.subgraphs.inventory.url}/graphql`),
    orders: await startFaultProxy(orders.graphqlUrl),
    activity: await startFaultProxy(`${stack.subgraphs.activity.url}/graphql`),
  };
  gateway = await createGateway(
    {
      production: true,
      trustedDocuments: 'open',
      internalToken: testInternalToken,
      jwtSecret: testJwtSecret,
      subgraphUrls: {
        users: proxies.users.url,
        catalog: proxies.catalog.url,
        inventory: proxies.inventory.url,
        orders: proxies.orders.url,
        activity: proxies.activity.url,
      },
      limits: defaultOperationLimits,
      bodyLimitBytes: 1_000_000,
      storeCurrency: 'USD',
      subgraphCalls: { queryTimeoutMs, mutationTimeoutMs: 3_000, queryRetries: 1, retryBackoffMs: 20 },
    },
    { logger: createLogger({ service: 'gateway', level: 'silent' }), metrics: createServiceMetrics('gateway', { defaults: false }), bus: stack.bus },
  );
  graphqlUrl = `${await gateway.http.listen(0, '127.0.0.1')}/graphql`;
}, 120_000);

afterAll(async () => {
  await gateway?.http.close();
  await gateway?.stop();
  for (const proxy of [...Object.values(proxies ?? {}), ordersCatalog, ordersInventory]) await proxy?.close();
  await orders?.stop();
  await stack?.stop();
});

describe('a subgraph that is down, frozen or flaky, seen through the gateway', () => {
  it('answers a killed catalog with SERVICE_UNAVAILABLE in a 503 with Retry-After, fast and without detail, and serves again once it is back', async () => {
    await proxies.catalog.set('down');
    try {
      const { result, ms } = await timed(() => postGraphQL(graphqlUrl, productQuery, { id: product.id }));
      expect(result.status, JSON.stringify(result.errors)).toBe(503);
      expect(result.headers.get('retry-after')).toBe('1');
      expectUnavailable(result);
      expect(ms).toBeLessThan(1_000);
    } finally {
      await proxies.catalog.set('pass');
    }
    const back = await postGraphQL<{ product: { name: string } }>(graphqlUrl, productQuery, { id: product.id });
    expect(back.status).toBe(200);
    expect(back.data?.product.name).toBe(product.name);
  });

  it('keeps what other subgraphs answered when catalog is killed: partial data, null and an error for the rest, 200', async () => {
    await proxies.catalog.set('down');
    try {
      const result = await postGraphQL<{ product: unknown; me: { name: string } }>(
        graphqlUrl,
        'query Both($id: ID!) { product(id: $id) { name } me { name } }',
        { id: product.id },
        { token: admin.token },
      );
      expect(result.status).toBe(200);
      expect(result.data?.me.name).toBeTruthy();
      expect(result.data?.product).toBeNull();
      expectUnavailable(result);
    } finally {
      await proxies.catalog.set('pass');
    }
  });

  it('gives up on a frozen catalog within the query timeout', async () => {
    await proxies.catalog.set('frozen');
    try {
      const { result, ms } = await timed(() => postGraphQL(graphqlUrl, productQuery, { id: product.id }));
      expect(result.status, JSON.stringify(result.errors)).toBe(503);
      expectUnavailable(result);
      expect(ms).toBeGreaterThanOrEqual(queryTimeoutMs - 50);
      expect(ms).toBeLessThan(queryTimeoutMs + 1_000);
    } finally {
      await proxies.catalog.set('pass');
    }
  });

  it('sends a read whose connection broke once more, and answers it', async () => {
    const before = proxies.catalog.requests;
    proxies.catalog.breakNextAnswers(1);
    const result = await postGraphQL<{ product: { name: string } }>(graphqlUrl, productQuery, { id: product.id });
    expect(result.errors).toBeUndefined();
    expect(result.data?.product.name).toBe(product.name);
    expect(proxies.catalog.requests - before).toBe(2);
  });

  it('never sends a mutation twice: one whose answer was lost reaches catalog once and answers SERVICE_UNAVAILABLE', async () => {
    const sku = `SKU-FAULT-${randomBytes(3).toString('hex').toUpperCase()}`;
    const before = proxies.catalog.requests;
    proxies.catalog.breakNextAnswers(1);
    const result = await postGraphQL(
      graphqlUrl,
      'mutation Create($input: CreateProductInput!) { createProduct(input: $input) { product { id } errors { code } } }',
      { input: { sku, name: 'Sent once', price: 100, categoryId } },
      { token: admin.token },
    );
    expect(result.status, JSON.stringify(result.errors)).toBe(503);
    expectUnavailable(result);
    expect(proxies.catalog.requests - before).toBe(1);
    const [created] = await queryRows<{ n: number }>(stack.databaseUrl('catalog'), 'SELECT COUNT(*) AS n FROM products WHERE sku = ?', [sku]);
    expect(created!.n).toBe(1);
  });
});

describe('checkout when a service orders calls fails', () => {
  const ordersOf = async (userId: string) =>
    (await queryRows<{ n: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [userId]))[0]!.n;
  const heldReservations = async () =>
    (await queryRows<{ n: number }>(stack.databaseUrl('inventory'), "SELECT COUNT(*) AS n FROM reservations WHERE status = 'HELD'"))[0]!.n;

  // Checkout keeps the prices catalog gave it: only a product it has not priced yet needs catalog to answer.
  const unpricedProduct = async () => (await createProducts(stack.graphqlUrl, admin.token, [{ price: 1_250, stock: 50 }]))[0]!;

  for (const [service, proxy] of [
    ['catalog', () => ordersCatalog],
    ['inventory', () => ordersInventory],
  ] as const) {
    it(`answers SERVICE_UNAVAILABLE fast with ${service} killed, and writes no order and holds no stock`, async () => {
      const ordersBefore = await ordersOf(customer.id);
      const heldBefore = await heldReservations();
      const ordered = service === 'catalog' ? await unpricedProduct() : product;
      await proxy().set('down');
      try {
        const { result, ms } = await timed(() => placeOrder(graphqlUrl, customer.token, [{ productId: ordered.id, quantity: 1 }]));
        expect(result.status, JSON.stringify(result.errors)).toBe(503);
        expectUnavailable(result);
        expect(ms).toBeLessThan(1_000);
      } finally {
        await proxy().set('pass');
      }
      expect(await ordersOf(customer.id)).toBe(ordersBefore);
      expect(await heldReservations()).toBe(heldBefore);
      const retried = await placeOrder(graphqlUrl, customer.token, [{ productId: ordered.id, quantity: 1 }]);
      expect(retried.errors).toBeUndefined();
    });
  }

  it('answers SERVICE_UNAVAILABLE within its catalog deadline when catalog is frozen, and still sells what it has priced', async () => {
    const priced = await placeOrder(graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]);
    expect(priced.data?.placeOrder.order?.total.amount).toBe(1_250);
    const unpriced = await unpricedProduct();
    const ordersBefore = await ordersOf(customer.id);
    await ordersCatalog.set('frozen');
    try {
      const { result, ms } = await timed(() => placeOrder(graphqlUrl, customer.token, [{ productId: unpriced.id, quantity: 1 }]));
      expectUnavailable(result);
      expect(ms).toBeLessThan(catalogTimeoutMs + 1_000);
      const known = await placeOrder(graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]);
      expect(known.data?.placeOrder.order?.total.amount).toBe(1_250);
    } finally {
      await ordersCatalog.set('pass');
    }
    expect(await ordersOf(customer.id)).toBe(ordersBefore + 1);
  });

  it('stops waiting on a frozen catalog after a few checkouts: the next fail at once, and checkout recovers by itself once catalog answers', async () => {
    const unpriced = await unpricedProduct();
    const ordersBefore = await ordersOf(customer.id);
    const durations: number[] = [];
    await ordersCatalog.set('frozen');
    try {
      for (let i = 0; i < 10; i++) {
        const { result, ms } = await timed(() => placeOrder(graphqlUrl, customer.token, [{ productId: unpriced.id, quantity: 1 }]));
        expectUnavailable(result);
        durations.push(ms);
      }
    } finally {
      await ordersCatalog.set('pass');
    }
    let recovered: Awaited<ReturnType<typeof placeOrder>> | undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      recovered = await placeOrder(graphqlUrl, customer.token, [{ productId: unpriced.id, quantity: 1 }]);
      if (!recovered.errors) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered?.errors).toBeUndefined();
    expect(await ordersOf(customer.id)).toBe(ordersBefore + 1);

    // The breaker opens after five timeouts in a row (orders' default; the frozen checkout of the test before may be
    // the first); every later checkout fails without waiting for catalog.
    const waited = durations.filter((ms) => ms >= catalogTimeoutMs - 50).length;
    expect(waited, durations.join(', ')).toBeGreaterThanOrEqual(4);
    expect(waited, durations.join(', ')).toBeLessThanOrEqual(5);
    expect(Math.max(...durations.slice(5)), durations.join(', ')).toBeLessThan(catalogTimeoutMs / 4);
  });

  it('sends a reservation whose answer was lost again by its reference: one order, one reservation', async () => {
    const idempotencyKey = randomBytes(8).toString('hex');
    const before = ordersInventory.requests;
    ordersInventory.breakNextAnswers(1);
    const result = await placeOrder(graphqlUrl, customer.token, [{ productId: product.id, quantity: 2 }], idempotencyKey);
    expect(result.errors).toBeUndefined();
    expect(ordersInventory.requests - before).toBe(2);
    const [order] = await queryRows<{ reservation_ref: string }>(
      stack.databaseUrl('orders'),
      'SELECT reservation_ref FROM orders WHERE user_id = ? AND idempotency_key = ?',
      [customer.id, idempotencyKey],
    );
    const reservations = await queryRows(stack.databaseUrl('inventory'), 'SELECT id FROM reservations WHERE reference = ?', [order!.reservation_ref]);
    expect(reservations).toHaveLength(1);
  });
});
