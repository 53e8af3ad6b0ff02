import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, defaultOperationLimits, type Gateway, type SubgraphName } from '@rtc/gateway';
import { createLogger, createServiceMetrics, type Counter, type ServiceMetrics } from '@rtc/service-kit';
import { errorCodes, postGraphQL, startFaultProxy, testInternalToken, testJwtSecret, type FaultProxy, type GraphQLResult } from '@rtc/testkit';
import type { ApiRateLimitsConfig } from '@rtc/gateway';
import { developmentApiRateLimits } from './development-limits';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

// A gateway with the response cache on, on the test stack's subgraphs and event log, reaching each subgraph through a
// proxy that counts the requests; the stack's own gateway (no cache) makes the changes.
const eventDeliveryMs = 2_000;

let stack: TestStack;
let admin: { id: string; token: string };
let customer: { id: string; token: string };
let products: CreatedProduct[];
let gateway: Gateway;
let graphqlUrl: string;
let metrics: ServiceMetrics;
let proxies: Record<SubgraphName, FaultProxy>;

const listing = 'query Listing { products(first: 10) { edges { node { id name price { amount } stock { available } inStock } } } }';
const myOrders = 'query MyOrders { me { id orders(first: 5) { edges { node { id total { amount } } } } } }';

interface ListingData {
  products: { edges: { node: { id: string; name: string; price: { amount: number }; stock: { available: number }; inStock: boolean } }[] };
}

function dataOf<T>(result: GraphQLResult<T>): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

async function cacheCount(result: 'hit' | 'miss' | 'stored', of: ServiceMetrics = metrics): Promise<number> {
  const metric = of.registry.getSingleMetric('rtc_gateway_response_cache_requests_total') as Counter | undefined;
  return ((await metric?.get())?.values ?? []).find((value) => value.labels['result'] === result)?.value ?? 0;
}

async function requestCount(operation: string, of: ServiceMetrics = metrics): Promise<number> {
  const metric = of.registry.getSingleMetric('rtc_graphql_requests_total') as Counter | undefined;
  const found = ((await metric?.get())?.values ?? []).find((value) => value.labels['operation'] === operation && value.labels['outcome'] === 'success');
  return found?.value ?? 0;
}

/** Runs `run` and returns what it resolved with, beside how many requests each subgraph received meanwhile. */
async function counting<T>(run: () => Promise<T>): Promise<{ result: T; requests: Record<SubgraphName, number> }> {
  const before = Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.requests]));
  const result = await run();
  const requests = Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.requests - before[name]!])) as Record<SubgraphName, number>;
  return { result, requests };
}

/** The CI smoke test's listing, a trusted document that reads only public catalog and inventory fields. */
async function trustedSmokeDocument(): Promise<{ id: string; body: string }> {
  const manifest = JSON.parse(await readFile(new URL('../../../gateway/trusted-documents/ci-smoke.json', import.meta.url), 'utf8')) as {
    operations: { id: string; name: string; body: string }[];
  };
  return manifest.operations.find((operation) => operation.name === 'RtcSmoke')!;
}

const nodeOf = (data: ListingData, id: string) => data.products.edges.find((edge) => edge.node.id === id)!.node;

/** Reads the listing through the caching gateway until `seen` holds, for at most the event delivery time. */
async function listingOnceItShows(seen: (data: ListingData) => boolean): Promise<ListingData> {
  const deadline = Date.now() + eventDeliveryMs;
  for (;;) {
    const data = dataOf(await postGraphQL<ListingData>(graphqlUrl, listing));
    if (seen(data) || Date.now() > deadline) return data;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function asAdmin(query: string, variables: Record<string, unknown>): Promise<void> {
  dataOf(await postGraphQL(stack.graphqlUrl, query, variables, { token: admin.token }));
}

interface CachingGateway {
  readonly gateway: Gateway;
  readonly graphqlUrl: string;
  readonly metrics: ServiceMetrics;
}

const extraGateways: Gateway[] = [];

/** A gateway with the response cache on, in front of the proxies, on the test stack's event log. */
async function startCachingGateway({
  trustedDocuments = 'open',
  rateLimits = developmentApiRateLimits,
  redisUrl,
  keyPrefix,
}: {
  trustedDocuments?: 'open' | 'safelist';
  rateLimits?: ApiRateLimitsConfig;
  redisUrl?: string;
  keyPrefix?: string;
} = {}): Promise<CachingGateway> {
  const gatewayMetrics = createServiceMetrics('gateway', { defaults: false });
  const started = await createGateway(
    {
      production: false,
      trustedDocuments,
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
      rateLimits,
      responseCache: { maxEntries: 100, maxTtlSeconds: 60, ...(redisUrl ? { redisUrl, keyPrefix } : {}) },
      // No readiness checks through the proxies while a test counts what reached them.
      subgraphChecks: { intervalMs: 3_600_000, timeoutMs: 1_000 },
    },
    { logger: createLogger({ service: 'gateway', level: 'silent' }), metrics: gatewayMetrics, bus: stack.bus },
  );
  return { gateway: started, graphqlUrl: `${await started.http.listen(0, '127.0.0.1')}/graphql`, metrics: gatewayMetrics };
}

/** Starts a further caching gateway, stopped after the file's tests. */
async function startExtraGateway(options: Parameters<typeof startCachingGateway>[0]): Promise<CachingGateway> {
  const started = await startCachingGateway(options);
  extraGateways.push(started.gateway);
  return started;
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER');
  products = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 1_000, stock: 20 },
    { price: 2_000, stock: 1 },
    { price: 3_000, stock: 30 },
  ]);
  dataOf(await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[0]!.id, quantity: 1 }]));
  proxies = {} as Record<SubgraphName, FaultProxy>;
  for (const name of ['users', 'catalog', 'inventory', 'orders', 'activity'] as const)
    proxies[name] = await startFaultProxy(`${stack.subgraphs[name].url}/graphql`);
  ({ gateway, graphqlUrl, metrics } = await startCachingGateway());
}, 180_000);

afterAll(async () => {
  for (const extra of extraGateways) {
    await extra.http.close();
    await extra.stop();
  }
  await gateway?.http.close();
  await gateway?.stop();
  for (const proxy of Object.values(proxies ?? {})) await proxy.close();
  await stack?.stop();
});

describe('the response cache of anonymous public reads', () => {
  it('serves a repeated anonymous listing without calling a subgraph, with the same answer', async () => {
    const first = await counting(() => postGraphQL<ListingData>(graphqlUrl, listing));
    expect(first.requests.catalog).toBeGreaterThanOrEqual(1);
    expect(first.requests.inventory).toBeGreaterThanOrEqual(1);
    const again = await counting(() => postGraphQL<ListingData>(graphqlUrl, listing));
    expect(dataOf(again.result)).toEqual(dataOf(first.result));
    expect(again.requests).toEqual({ users: 0, catalog: 0, inventory: 0, orders: 0, activity: 0 });
    expect(await cacheCount('hit')).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('shows a price change on the next read once its event arrives', async () => {
    const product = products[2]!;
    dataOf(await postGraphQL<ListingData>(graphqlUrl, listing));
    await asAdmin('mutation Price($id: ID!) { updateProduct(input: { id: $id, price: 3333 }) { product { id } errors { code } } }', { id: product.id });
    const data = await listingOnceItShows((seen) => nodeOf(seen, product.id).price.amount === 3_333);
    expect(nodeOf(data, product.id).price.amount).toBe(3_333);
  }, 30_000);

  it('shows a restock on the next read once its event arrives', async () => {
    const product = products[2]!;
    const before = nodeOf(dataOf(await postGraphQL<ListingData>(graphqlUrl, listing)), product.id).stock.available;
    await asAdmin(
      'mutation Restock($id: ID!) { restock(input: { productId: $id, quantity: 7, reason: "delivery" }) { stock { available } errors { code } } }',
      { id: product.id },
    );
    const data = await listingOnceItShows((seen) => nodeOf(seen, product.id).stock.available === before + 7);
    expect(nodeOf(data, product.id).stock.available).toBe(before + 7);
  }, 30_000);

  it('shows a sale that sells a product out on the next read once its event arrives', async () => {
    const product = products[1]!;
    expect(nodeOf(dataOf(await postGraphQL<ListingData>(graphqlUrl, listing)), product.id).inStock).toBe(true);
    dataOf(await placeOrder(stack.graphqlUrl, customer.token, [{ productId: product.id, quantity: 1 }]));
    const data = await listingOnceItShows((seen) => !nodeOf(seen, product.id).inStock);
    expect(nodeOf(data, product.id)).toMatchObject({ inStock: false, stock: { available: 0 } });
  }, 30_000);

  it('never stores nor serves an answer to a caller with a token, even one of public fields', async () => {
    dataOf(await postGraphQL(graphqlUrl, listing));
    const storedBefore = await cacheCount('stored');
    const hitsBefore = await cacheCount('hit');
    const { result, requests } = await counting(() => postGraphQL(graphqlUrl, listing, {}, { token: customer.token }));
    dataOf(result);
    expect(requests.catalog).toBe(1);
    const orders = await counting(async () => [
      await postGraphQL(graphqlUrl, myOrders, {}, { token: customer.token }),
      await postGraphQL(graphqlUrl, myOrders, {}, { token: customer.token }),
    ]);
    for (const answer of orders.result) expect(dataOf(answer)).toMatchObject({ me: { id: customer.id } });
    expect(orders.requests.orders).toBe(2);
    expect(await cacheCount('stored')).toBe(storedBefore);
    expect(await cacheCount('hit')).toBe(hitsBefore);
  }, 30_000);

  it('never stores an anonymous answer that reads a subgraph without cache hints', async () => {
    const query = 'query Mixed { products(first: 1) { edges { node { id } } } me { id } }';
    const first = await counting(() => postGraphQL(graphqlUrl, query));
    const again = await counting(() => postGraphQL(graphqlUrl, query));
    expect(again.result.data).toEqual(first.result.data);
    expect(again.requests.catalog).toBe(1);
    expect(again.requests.users).toBe(1);
  }, 30_000);

  it('answers a hit before Apollo with the bytes a miss got, and counts it as a request', async () => {
    const query = 'query FourProducts($n: Int!) { products(first: $n) { edges { node { id name price { amount } } } } }';
    const post = () =>
      fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { n: 4 } }) });
    const [storedBefore, hitsBefore, requestsBefore] = [await cacheCount('stored'), await cacheCount('hit'), await requestCount('FourProducts')];
    const miss = await post();
    const missText = await miss.text();
    expect(await cacheCount('stored')).toBe(storedBefore + 1);
    const hit = await counting(async () => {
      const response = await post();
      return { response, text: await response.text() };
    });
    expect(hit.requests).toEqual({ users: 0, catalog: 0, inventory: 0, orders: 0, activity: 0 });
    expect(await cacheCount('hit')).toBe(hitsBefore + 1);
    expect(hit.result.text).toBe(missText);
    expect(hit.result.response.status).toBe(200);
    expect(hit.result.response.headers.get('content-type')).toBe(miss.headers.get('content-type'));
    expect(await requestCount('FourProducts')).toBe(requestsBefore + 2);
  }, 30_000);

  it('refuses a hit to an address over its rate, as any request', async () => {
    const limited = await startExtraGateway({ rateLimits: { ...developmentApiRateLimits, perAddress: { perSecond: 3, burst: 0 } } });
    const answers = [];
    // Three a second: the fourth within the same second is refused, whether the cache holds its answer or not.
    do answers.push(await postGraphQL(limited.graphqlUrl, listing));
    while (answers.at(-1)!.status === 200 && answers.length < 10);
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    const served = answers.length - 1;
    expect(served).toBeGreaterThanOrEqual(3);
    expect(await cacheCount('hit', limited.metrics)).toBe(served - 1);
  }, 30_000);
});

describe('the response cache shared by replicas in Redis', () => {
  const redisUrl = 'redis://127.0.0.1:6379';

  it('serves on one replica what another stored, and evicts it from both on an event', async () => {
    const keyPrefix = `rtc:test:responses:${randomUUID()}`;
    const first = await startExtraGateway({ redisUrl, keyPrefix });
    const second = await startExtraGateway({ redisUrl, keyPrefix });
    // Until its connection is up, a replica's cache misses rather than waits (no offline queue): give both a moment.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const product = products[0]!;
    const stored = dataOf(await postGraphQL<ListingData>(first.graphqlUrl, listing));
    expect(await cacheCount('stored', first.metrics)).toBe(1);
    const shared = await counting(() => postGraphQL<ListingData>(second.graphqlUrl, listing));
    expect(dataOf(shared.result)).toEqual(stored);
    expect(shared.requests).toEqual({ users: 0, catalog: 0, inventory: 0, orders: 0, activity: 0 });
    expect(await cacheCount('hit', second.metrics)).toBe(1);

    const price = nodeOf(stored, product.id).price.amount + 1;
    await asAdmin(`mutation Price($id: ID!) { updateProduct(input: { id: $id, price: ${price} }) { product { id } errors { code } } }`, { id: product.id });
    for (const replica of [first, second]) {
      const deadline = Date.now() + eventDeliveryMs;
      let seen = stored;
      while (nodeOf(seen, product.id).price.amount !== price && Date.now() < deadline) {
        seen = dataOf(await postGraphQL<ListingData>(replica.graphqlUrl, listing));
        if (nodeOf(seen, product.id).price.amount !== price) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(nodeOf(seen, product.id).price.amount).toBe(price);
    }
  }, 60_000);

  it('refuses in safelist mode a document a replica in open mode cached, and serves trusted ones from the cache', async () => {
    const keyPrefix = `rtc:test:responses:${randomUUID()}`;
    const open = await startExtraGateway({ redisUrl, keyPrefix });
    const safelist = await startExtraGateway({ redisUrl, keyPrefix, trustedDocuments: 'safelist' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    dataOf(await postGraphQL(open.graphqlUrl, listing));
    dataOf(await postGraphQL(open.graphqlUrl, listing));
    expect(await cacheCount('hit', open.metrics)).toBe(1);
    const refused = await postGraphQL(safelist.graphqlUrl, listing);
    expect(refused.status).toBe(400);
    expect(errorCodes(refused)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(await cacheCount('hit', safelist.metrics)).toBe(0);

    const smoke = await trustedSmokeDocument();
    const byId = async () => {
      const response = await fetch(safelist.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documentId: `sha256:${smoke.id}` }),
      });
      return (await response.json()) as GraphQLResult<unknown>;
    };
    const made = await byId();
    const again = await counting(byId);
    expect(dataOf(again.result)).toEqual(dataOf(made));
    expect(again.requests).toEqual({ users: 0, catalog: 0, inventory: 0, orders: 0, activity: 0 });
    expect(await cacheCount('hit', safelist.metrics)).toBe(1);
  }, 60_000);
});
