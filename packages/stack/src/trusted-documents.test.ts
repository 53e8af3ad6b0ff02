import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifests } from '@rtc/gateway/trusted-documents';
import type { PersistedOperation } from '@rtc/service-kit';
import { connectLive, errorCodes, postGraphQL, type GraphQLResult, type LiveClient } from '@rtc/testkit';
import { startTestStack, type TestStack } from './testing';

const manifests = readManifests();
const operationsOf = (file: string) => manifests.get(file)?.operations ?? [];
const operation = (file: string, name: string): PersistedOperation => {
  const found = operationsOf(file).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${file} has no operation ${name}`);
  return found;
};
const dashboard = (name: string) => operation('dashboard.json', name);
const simulator = (name: string) => operation('simulator.json', name);

let stack: TestStack;
let admin: { id: string; token: string };
let analyst: { id: string; token: string };
let customer: { id: string; token: string };
let productId: string;
const clients: LiveClient[] = [];

/** POSTs a raw GraphQL-over-HTTP body: text, an id, or both. */
async function post<T>(body: Record<string, unknown>, token?: string): Promise<GraphQLResult<T>> {
  const response = await fetch(stack.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResult<T>, 'status'>) };
}
const byApolloId = (document: PersistedOperation, variables: Record<string, unknown> = {}) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: document.id } },
});
const byDocumentId = (document: PersistedOperation, variables: Record<string, unknown> = {}) => ({ variables, documentId: `sha256:${document.id}` });
const trustedCodes = ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_IN_LIST'];

beforeAll(async () => {
  stack = await startTestStack({ trustedDocuments: 'safelist' });
  admin = await stack.createUser('ADMIN');
  analyst = await stack.createUser('ANALYST');
  customer = await stack.createUser('CUSTOMER');
  // The admin's catalog tools are not among the dashboard's or simulator's documents: set up in-process, as the gateway's own operations run.
  const asAdmin = { userId: admin.id, role: 'ADMIN' as const };
  const tag = randomBytes(3).toString('hex');
  const category = await stack.gateway.runAs(
    asAdmin,
    'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } errors { code } } }',
    {
      input: { name: `Lamps ${tag}` },
    },
  );
  const categoryId = (category.data as { createCategory: { category: { id: string } } }).createCategory.category.id;
  const product = await stack.gateway.runAs(
    asAdmin,
    'mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } errors { code } } }',
    {
      input: { sku: `LAMP-${tag}`, name: 'Brass Reading Lamp', price: 4_200, categoryId },
    },
  );
  productId = (product.data as { createProduct: { product: { id: string } } }).createProduct.product.id;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

describe('trusted documents in safelist mode, over HTTP', () => {
  it("runs the simulator's operations by their id and by their exact text", async () => {
    const restocked = await post<{ restock: { stock: { available: number } } }>(
      byDocumentId(simulator('SimulatorRestock'), { input: { productId, quantity: 50, reason: 'delivery' } }),
      admin.token,
    );
    expect(restocked).toMatchObject({ status: 200, data: { restock: { stock: { available: 50 }, errors: [] } } });

    const page = await postGraphQL<{ products: { edges: { node: { id: string } }[] } }>(stack.graphqlUrl, simulator('SimulatorProducts').body, { first: 50 });
    expect(page.errors).toBeUndefined();
    expect(page.data?.products.edges.map((edge) => edge.node.id)).toContain(productId);

    const placed = await post<{ placeOrder: { order: { id: string; status: string } } }>(
      byApolloId(simulator('SimulatorPlaceOrder'), { input: { lines: [{ productId, quantity: 2 }], idempotencyKey: randomBytes(8).toString('hex') } }),
      customer.token,
    );
    expect(placed).toMatchObject({ status: 200, data: { placeOrder: { order: { status: 'PENDING' }, errors: [] } } });
  });

  it("runs the dashboard's operations by their id and by their exact text", async () => {
    const byText = await postGraphQL<{ orders: { edges: unknown[] } }>(stack.graphqlUrl, dashboard('DashboardLatestOrders').body, {}, { token: analyst.token });
    expect(byText.errors).toBeUndefined();
    expect(byText.data?.orders.edges).toEqual(expect.any(Array));

    const lowStock = await post<{ lowStock: { edges: unknown[] } }>(byApolloId(dashboard('DashboardLowStock')), analyst.token);
    expect(lowStock).toMatchObject({ status: 200, data: { lowStock: { edges: expect.any(Array) } } });
  });

  it('lets every registered query and mutation through by id (a missing variable is the only complaint)', async () => {
    const documents = [...operationsOf('dashboard.json'), ...operationsOf('simulator.json')].filter((document) => document.type !== 'subscription');
    expect(documents.length).toBeGreaterThanOrEqual(15);
    for (const document of documents) {
      const result = await post(byDocumentId(document), analyst.token);
      expect(
        errorCodes(result).filter((code) => trustedCodes.includes(code ?? '')),
        document.name,
      ).toEqual([]);
    }
  });

  it('refuses free text, even a trusted document reformatted, before running it', async () => {
    const free = await postGraphQL(stack.graphqlUrl, '{ products(first: 100) { edges { node { id name } } } }');
    expect(free.status).toBe(400);
    expect(errorCodes(free)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    const reformatted = await postGraphQL(stack.graphqlUrl, dashboard('DashboardLowStock').body.trim(), {}, { token: analyst.token });
    expect(errorCodes(reformatted)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('answers an unknown id with PERSISTED_QUERY_NOT_FOUND', async () => {
    const unknown = await post({ documentId: `sha256:${'0'.repeat(64)}` });
    expect(errorCodes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('trusted documents in safelist mode, over graphql-ws', () => {
  it("delivers the dashboard's subscriptions by id and by text, and refuses free text and unknown ids", async () => {
    const live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${analyst.token}` });
    clients.push(live);
    // The dashboard's ticks are coalesced: each message lists the orders under `ticks`.
    type Ticks = { salesTicks: { ticks: { order: { id: string } }[] } };
    const ticksByText = live.subscribe<Ticks>(dashboard('DashboardSalesTicks').body);
    const ticksById: { order: { id: string } }[] = [];
    const answers: unknown[] = [];
    live.client.subscribe<Ticks>(
      { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: dashboard('DashboardSalesTicks').id } } },
      { next: (result) => result.data && ticksById.push(...result.data.salesTicks.ticks), error: (error) => answers.push(error), complete: () => undefined },
    );
    const free = live.subscribe('subscription Everything { salesTicks { order { id total { amount } user { name } } } }');
    const unknown = new Promise<unknown>((resolve) =>
      live.client.subscribe(
        { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
        { next: () => undefined, error: resolve, complete: () => undefined },
      ),
    );
    expect(await free.failure()).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })]);
    expect(await unknown).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })]);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const placed = await post<{ placeOrder: { order: { id: string } } }>(
      byDocumentId(simulator('SimulatorPlaceOrder'), { input: { lines: [{ productId, quantity: 1 }], idempotencyKey: randomBytes(8).toString('hex') } }),
      customer.token,
    );
    const orderId = placed.data!.placeOrder.order!.id;
    expect((await ticksByText.next(10_000)).data?.salesTicks.ticks.map((tick) => tick.order.id)).toEqual([orderId]);
    await expect.poll(() => ticksById.map((tick) => tick.order.id), { timeout: 10_000 }).toContain(orderId);
    expect(answers).toEqual([]);
  });
});
