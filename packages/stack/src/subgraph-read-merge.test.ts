import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, defaultOperationLimits, type Gateway, type SubgraphName } from '@rtc/gateway';
import { createLogger, createServiceMetrics, type Counter, type ServiceMetrics } from '@rtc/service-kit';
import { postGraphQL, startFaultProxy, testInternalToken, testJwtSecret, type FaultProxy, type GraphQLResult } from '@rtc/testkit';
import { developmentApiRateLimits } from './development-limits';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

// Two gateways on the same subgraphs, one merging identical reads in flight and one not, each reaching every subgraph
// through proxies of its own that count the requests and hold each answer back long enough for requests to overlap.
const answerDelayMs = 150;
const concurrent = 12;

interface MeasuredGateway {
  readonly gateway: Gateway;
  readonly graphqlUrl: string;
  readonly metrics: ServiceMetrics;
  readonly proxies: Record<SubgraphName, FaultProxy>;
}

let stack: TestStack;
let admin: { id: string; token: string };
let customers: [{ id: string; token: string }, { id: string; token: string }];
let products: CreatedProduct[];
let merging: MeasuredGateway;
let separate: MeasuredGateway;

async function startMeasuredGateway(mergeSubgraphReads: boolean): Promise<MeasuredGateway> {
  const proxies = {} as Record<SubgraphName, FaultProxy>;
  for (const name of ['users', 'catalog', 'inventory', 'orders', 'activity'] as const) {
    proxies[name] = await startFaultProxy(`${stack.subgraphs[name].url}/graphql`);
    proxies[name].delayAnswers(answerDelayMs);
  }
  const metrics = createServiceMetrics('gateway', { defaults: false });
  const gateway = await createGateway(
    {
      production: false,
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
      rateLimits: developmentApiRateLimits,
      mergeSubgraphReads,
    },
    { logger: createLogger({ service: 'gateway', level: 'silent' }), metrics, bus: stack.bus },
  );
  return { gateway, graphqlUrl: `${await gateway.http.listen(0, '127.0.0.1')}/graphql`, metrics, proxies };
}

async function mergedCount(target: MeasuredGateway, subgraph: SubgraphName): Promise<number> {
  const metric = target.metrics.registry.getSingleMetric('rtc_gateway_subgraph_requests_merged_total') as Counter | undefined;
  const values = (await metric?.get())?.values ?? [];
  return values.find((value) => value.labels['subgraph'] === subgraph)?.value ?? 0;
}

/** Runs `run` and returns what it resolved with, beside how many requests each subgraph received meanwhile. */
async function counting<T>(target: MeasuredGateway, run: () => Promise<T>): Promise<{ result: T; requests: Record<SubgraphName, number> }> {
  const before = Object.fromEntries(Object.entries(target.proxies).map(([name, proxy]) => [name, proxy.requests]));
  const result = await run();
  const requests = Object.fromEntries(Object.entries(target.proxies).map(([name, proxy]) => [name, proxy.requests - before[name]!])) as Record<
    SubgraphName,
    number
  >;
  return { result, requests };
}

function dataOf<T>(result: GraphQLResult<T>): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

const listing = 'query Listing { products(first: 10) { edges { node { id name price { amount } stock { available } } } } }';
const cart = 'query Cart { cart { itemCount lines { quantity product { id name } } } }';
const myOrders = 'query MyOrders { me { id orders(first: 5) { edges { node { id total { amount } } } } } }';

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  customers = [await stack.createUser('CUSTOMER'), await stack.createUser('CUSTOMER')];
  products = await createProducts(
    stack.graphqlUrl,
    admin.token,
    Array.from({ length: 10 }, (_, index) => ({ price: 1_000 + index, stock: 100 + index })),
  );
  // Each customer has an order and a cart of their own, each of other products.
  for (const [index, customer] of customers.entries()) {
    dataOf(await placeOrder(stack.graphqlUrl, customer.token, [{ productId: products[index]!.id, quantity: index + 1 }]));
    dataOf(
      await postGraphQL(
        stack.graphqlUrl,
        'mutation Add($id: ID!, $quantity: Int!) { addToCart(input: { productId: $id, quantity: $quantity }) { cart { itemCount } } }',
        { id: products[5 + index]!.id, quantity: index + 2 },
        { token: customer.token },
      ),
    );
  }
  merging = await startMeasuredGateway(true);
  separate = await startMeasuredGateway(false);
}, 180_000);

afterAll(async () => {
  for (const target of [merging, separate]) {
    await target?.gateway.http.close();
    await target?.gateway.stop();
    for (const proxy of Object.values(target?.proxies ?? {})) await proxy.close();
  }
  await stack?.stop();
});

describe('identical subgraph reads in flight at the same moment', () => {
  it('share one call for concurrent anonymous listings, and every caller gets the same correct page', async () => {
    const expected = dataOf(await postGraphQL(stack.graphqlUrl, listing));
    const { result, requests } = await counting(merging, () => Promise.all(Array.from({ length: concurrent }, () => postGraphQL(merging.graphqlUrl, listing))));
    for (const answer of result) expect(dataOf(answer)).toEqual(expected);
    expect(requests.catalog).toBeGreaterThanOrEqual(1);
    expect(requests.catalog).toBeLessThan(concurrent);
    expect(requests.inventory).toBeLessThan(concurrent);
    expect(await mergedCount(merging, 'catalog')).toBeGreaterThanOrEqual(concurrent - requests.catalog);
  }, 60_000);

  it('never share a caller-dependent read between two customers: each sees only their own cart and orders', async () => {
    const own = await Promise.all(
      customers.map(async (customer) => ({
        cart: dataOf(await postGraphQL(stack.graphqlUrl, cart, {}, { token: customer.token })),
        orders: dataOf(await postGraphQL(stack.graphqlUrl, myOrders, {}, { token: customer.token })),
      })),
    );
    expect(own[0]!.cart).not.toEqual(own[1]!.cart);
    const asked = Array.from({ length: concurrent }, (_, index) => index % 2);
    const { result, requests } = await counting(merging, () =>
      Promise.all(
        asked.map(async (who) => ({
          who,
          cart: await postGraphQL(merging.graphqlUrl, cart, {}, { token: customers[who]!.token }),
          orders: await postGraphQL(merging.graphqlUrl, myOrders, {}, { token: customers[who]!.token }),
        })),
      ),
    );
    for (const answer of result) {
      expect(dataOf(answer.cart)).toEqual(own[answer.who]!.cart);
      expect(dataOf(answer.orders)).toEqual(own[answer.who]!.orders);
    }
    // Merged within each customer's requests, never across them: at least one call per customer for each query.
    expect(requests.orders).toBeGreaterThanOrEqual(2 * 2);
    expect(requests.orders).toBeLessThan(2 * concurrent);
  }, 60_000);

  it('never merges a mutation: identical concurrent mutations each reach the subgraph', async () => {
    const [customer] = customers;
    const setLine = 'mutation Set($id: ID!) { updateCartLine(input: { productId: $id, quantity: 3 }) { cart { itemCount } } }';
    dataOf(
      await postGraphQL(
        stack.graphqlUrl,
        'mutation Add($id: ID!) { addToCart(input: { productId: $id, quantity: 1 }) { cart { itemCount } } }',
        { id: products[9]!.id },
        { token: customer.token },
      ),
    );
    const times = 8;
    const mergedBefore = await mergedCount(merging, 'orders');
    const { result, requests } = await counting(merging, () =>
      Promise.all(Array.from({ length: times }, () => postGraphQL(merging.graphqlUrl, setLine, { id: products[9]!.id }, { token: customer.token }))),
    );
    for (const answer of result) dataOf(answer);
    expect(requests.orders).toBeGreaterThanOrEqual(times);
    expect(await mergedCount(merging, 'orders')).toBe(mergedBefore);
  }, 60_000);

  it('are sent one call each when merging is switched off', async () => {
    const { result, requests } = await counting(separate, () =>
      Promise.all(Array.from({ length: concurrent }, () => postGraphQL(separate.graphqlUrl, listing))),
    );
    for (const answer of result) dataOf(answer);
    // At least: the gateway's readiness checks of /healthz pass the same proxies.
    expect(requests.catalog).toBeGreaterThanOrEqual(concurrent);
    expect(requests.inventory).toBeGreaterThanOrEqual(concurrent);
    expect(await mergedCount(separate, 'catalog')).toBe(0);
  }, 60_000);
});
