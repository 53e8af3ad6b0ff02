import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, defaultOperationLimits, type Gateway } from '@rtc/gateway';
import { createLogger, createServiceMetrics } from '@rtc/service-kit';
import { errorCodes, freePort, postGraphQL, testInternalToken, testJwtSecret, type GraphQLResult } from '@rtc/testkit';
import { serviceNodeFlags } from './node-flags';
import { createProducts, startTestStack, type CreatedProduct, type TestStack } from './testing';

// Catalog runs as a process of its own, as deployed, so the test can freeze it (SIGSTOP) and kill it (SIGKILL).
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const queryTimeoutMs = 1_000;
const productQuery = 'query Product($id: ID!) { product(id: $id) { id name } }';

let stack: TestStack;
let admin: { id: string; token: string };
let product: CreatedProduct;
let catalogPort: number;
let catalog: ChildProcess;
let gateway: Gateway;
let graphqlUrl: string;

async function startCatalog(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...serviceNodeFlags, '--import', 'tsx', 'subgraphs/catalog/src/main.ts'], {
    cwd: repositoryRoot,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      INTERNAL_TOKEN: testInternalToken,
      DATABASE_URL: stack.databaseUrl('catalog'),
      PORT: String(catalogPort),
    },
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`catalog exited (${child.exitCode}) before it was ready`);
    const ready = await fetch(`http://127.0.0.1:${catalogPort}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('catalog was not ready within a minute');
}

function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function expectUnavailable(result: GraphQLResult<unknown>) {
  const seen = JSON.stringify({ data: result.data, errors: result.errors });
  expect(new Set(errorCodes(result)), seen).toEqual(new Set(['SERVICE_UNAVAILABLE']));
  expect(seen).not.toMatch(/127\.0\.0\.1|ECONN|UND_ERR|Timeout Error|socket|catalog/i);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.createUser('ADMIN');
  [product] = (await createProducts(stack.graphqlUrl, admin.token, [{ price: 700, stock: 10 }])) as [CreatedProduct];
  catalogPort = await freePort();
  catalog = await startCatalog();
  const urlOf = (name: 'users' | 'inventory' | 'orders' | 'activity') => `${stack.subgraphs[name].url}/graphql`;
  gateway = await createGateway(
    {
      production: true,
      trustedDocuments: 'open',
      internalToken: testInternalToken,
      jwtSecret: testJwtSecret,
      subgraphUrls: {
        users: urlOf('users'),
        inventory: urlOf('inventory'),
        orders: urlOf('orders'),
        activity: urlOf('activity'),
        catalog: `http://127.0.0.1:${catalogPort}/graphql`,
      },
      limits: defaultOperationLimits,
      bodyLimitBytes: 1_000_000,
      storeCurrency: 'USD',
      subgraphCalls: { queryTimeoutMs, mutationTimeoutMs: 3_000, queryRetries: 1, retryBackoffMs: 20 },
    },
    { logger: createLogger({ service: 'gateway', level: 'silent' }), metrics: createServiceMetrics('gateway', { defaults: false }), bus: stack.bus },
  );
  graphqlUrl = `${await gateway.http.listen(0, '127.0.0.1')}/graphql`;
  expect((await postGraphQL(graphqlUrl, productQuery, { id: product.id })).errors).toBeUndefined();
}, 180_000);

afterAll(async () => {
  if (catalog) {
    catalog.kill('SIGCONT');
    await killed(catalog, 'SIGKILL');
  }
  await gateway?.http.close();
  await gateway?.stop();
  await stack?.stop();
});

describe('catalog as a process of its own', () => {
  it('frozen with SIGSTOP: a read answers 503 SERVICE_UNAVAILABLE within the query timeout, and catalog serves again after SIGCONT', async () => {
    catalog.kill('SIGSTOP');
    try {
      const { result, ms } = await timed(() => postGraphQL(graphqlUrl, productQuery, { id: product.id }));
      expect(result.status).toBe(503);
      expectUnavailable(result);
      expect(ms).toBeGreaterThanOrEqual(queryTimeoutMs - 50);
      expect(ms).toBeLessThan(queryTimeoutMs + 1_000);
    } finally {
      catalog.kill('SIGCONT');
    }
    const back = await postGraphQL<{ product: { name: string } }>(graphqlUrl, productQuery, { id: product.id });
    expect(back.data?.product.name).toBe(product.name);
  });

  it('killed with SIGKILL: a read answers 503 SERVICE_UNAVAILABLE fast, other subgraphs still answer, and a new catalog process is used at once', async () => {
    await killed(catalog, 'SIGKILL');
    const { result, ms } = await timed(() => postGraphQL(graphqlUrl, productQuery, { id: product.id }));
    expect(result.status).toBe(503);
    expectUnavailable(result);
    expect(ms).toBeLessThan(1_000);

    const partial = await postGraphQL<{ product: unknown; me: { name: string } }>(
      graphqlUrl,
      'query Both($id: ID!) { product(id: $id) { name } me { name } }',
      { id: product.id },
      { token: admin.token },
    );
    expect(partial.status).toBe(200);
    expect(partial.data?.product).toBeNull();
    expect(partial.data?.me.name).toBeTruthy();
    expectUnavailable(partial);

    catalog = await startCatalog();
    const back = await postGraphQL<{ product: { name: string } }>(graphqlUrl, productQuery, { id: product.id });
    expect(back.errors).toBeUndefined();
    expect(back.data?.product.name).toBe(product.name);
  });
});
