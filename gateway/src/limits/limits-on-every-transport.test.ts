import { createInProcessBus, createLogger, createServiceMetrics, serviceUnavailableMessage, signAccessToken } from '@rtc/service-kit';
import { connectLive, errorCodes, openRawLiveSocket, postGraphQL, testInternalToken, testJwtSecret } from '@rtc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../gateway';
import { subgraphNames, type SubgraphName } from '../supergraph';
import { defaultOperationLimits } from './operation-limits';
import { fragmentBomb } from './fragment-bomb';

// Nothing listens on port 9: every limit below must refuse before a subgraph is called.
const unreachable = Object.fromEntries(subgraphNames.map((name) => [name, 'http://127.0.0.1:9/graphql'])) as Record<SubgraphName, string>;

async function startGateway(production: boolean): Promise<{ gateway: Gateway; url: string }> {
  const gateway = await createGateway(
    {
      production,
      internalToken: testInternalToken,
      jwtSecret: testJwtSecret,
      subgraphUrls: unreachable,
      limits: defaultOperationLimits,
      bodyLimitBytes: 1_000_000,
      storeCurrency: 'USD',
      metricsEnabled: false,
      // These tests send operations of their own; the safelist has its own tests.
      trustedDocuments: 'open',
    },
    {
      logger: createLogger({ service: 'gateway', level: 'silent' }),
      metrics: createServiceMetrics('gateway', { defaults: false }),
      bus: createInProcessBus(),
    },
  );
  const url = `${await gateway.http.listen(0, '127.0.0.1')}/graphql`;
  return { gateway, url };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

/** salesTicks > order > user > orders > edges > node > user > orders > …, one field a level, `depth` levels in all. */
const salesTicksDeep = (depth: number) => {
  const cycle = ['user', 'orders(first: 1)', 'edges', 'node'];
  const levels = ['salesTicks', 'order', ...Array.from({ length: depth - 3 }, (_, i) => cycle[i % cycle.length]!)];
  return `subscription { ${levels.join(' { ')} { __typename ${'} '.repeat(levels.length)}}`;
};

describe('operation limits at the gateway', () => {
  let running: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    running = await startGateway(false);
  });
  afterAll(async () => {
    await running.gateway.http.close();
    await running.gateway.stop();
  });

  it('refuses fragment bombs of 2^24 to 2^40 fields in well under 100 ms each, and answers promptly afterwards', async () => {
    await postGraphQL(running.url, '{ __typename }');
    for (const levels of [24, 32, 40]) {
      const { result, ms } = await timed(() => postGraphQL(running.url, fragmentBomb(levels)));
      expect(result.status).toBe(400);
      expect(errorCodes(result)).toEqual(['QUERY_TOO_COMPLEX']);
      // Some 10 ms of work; generous for a machine busy with other tests. Before, 2^24 took 2.4 s and 2^40 never ended.
      expect(ms).toBeLessThan(500);
    }
    const { result, ms } = await timed(() => postGraphQL(running.url, '{ __typename }'));
    expect(result.data).toEqual({ __typename: 'Query' });
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses 40 aliased categories each listing a hundred products with their stock', async () => {
    const aliased = Array.from({ length: 40 }, (_, i) => `c${i}: categories { products(first: 100) { edges { node { id stock { available } } } } }`);
    const result = await postGraphQL(running.url, `{ ${aliased.join(' ')} }`);
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('prices a page size taken from a variable default', async () => {
    const perProduct = 'id name category { products(first: 100) { edges { node { id } } } }';
    const result = await postGraphQL(running.url, `query($n: Int = 100) { products(first: $n) { edges { node { ${perProduct} } } } }`);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the maximum of 25000$/);
  });

  it('refuses documents over the token limit with QUERY_TOO_COMPLEX', async () => {
    const fields = Array.from({ length: 6_000 }, () => '__typename').join(' ');
    const result = await postGraphQL(running.url, `{ ${fields} }`);
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('answers an operationName that names no operation with 400', async () => {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('answers a subscription sent over HTTP with a coded 400', async () => {
    const result = await postGraphQL(running.url, 'subscription { salesTicks { at } }');
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['BAD_REQUEST']);
  });

  it('codes syntax and validation errors over graphql-ws as HTTP does', async () => {
    const live = connectLive(running.url);
    try {
      const syntax = (await live.subscribe('subscription { salesTicks { at ').failure()) as { extensions?: { code?: string } }[];
      expect(syntax.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
      const unknown = (await live.subscribe('subscription { nope }').failure()) as { extensions?: { code?: string } }[];
      expect(unknown.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    } finally {
      await live.dispose();
    }
  });

  it('closes a socket that sends a server-only message with 4400, not as its own failure', async () => {
    for (const type of ['next', 'error', 'connection_ack']) {
      const socket = await openRawLiveSocket(running.url);
      socket.send({ type, id: '1', payload: {} });
      expect(await socket.closedWithin(5_000)).toBe(4400);
    }
  });

  it('answers wrong content types and mutations over GET with 4xx', async () => {
    const plain = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ __typename }' });
    expect(plain.status).toBeGreaterThanOrEqual(400);
    expect(plain.status).toBeLessThan(500);
    const mutation = encodeURIComponent('mutation { logIn(input: { email: "a@b.c", password: "x" }) { token } }');
    const get = await fetch(`${running.url}?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(405);
  });

  it('refuses subscriptions past the depth, alias and token limits when they start over graphql-ws', async () => {
    const token = await signAccessToken({ userId: '1', role: 'ADMIN' }, testJwtSecret);
    const live = connectLive(running.url, { authorization: `Bearer ${token}` });
    try {
      const failure = (await live.subscribe(salesTicksDeep(19)).failure()) as { extensions?: { code?: string }; message: string }[];
      expect(failure.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
      expect(failure[0]?.message).toBe('Query depth 19 exceeds the maximum of 12');
      const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: at`).join(' ');
      const aliased = (await live.subscribe(`subscription { salesTicks { ${aliases} } }`).failure()) as { extensions?: { code?: string } }[];
      expect(aliased.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
      const tokens = Array.from({ length: 6_000 }, () => 'at').join(' ');
      const long = (await live.subscribe(`subscription { salesTicks { ${tokens} } }`).failure()) as { extensions?: { code?: string } }[];
      expect(long.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    } finally {
      await live.dispose();
    }
  });
});

describe('a production gateway', () => {
  let running: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    running = await startGateway(true);
  });
  afterAll(async () => {
    await running.gateway.http.close();
    await running.gateway.stop();
  });

  it('gives no field or value suggestions over HTTP or graphql-ws', async () => {
    const result = await postGraphQL(running.url, '{ prodcts { edges { node { id } } } }');
    expect(result.errors?.[0]?.message).toBe('Cannot query field "prodcts" on type "Query".');
    const sorted = await postGraphQL(running.url, 'query($sort: ProductSort) { products(sort: $sort) { edges { node { id } } } }', { sort: 'NEWST' });
    expect(sorted.status).toBe(400);
    expect(sorted.errors?.[0]?.message).not.toContain('Did you mean');
    const live = connectLive(running.url);
    try {
      const failure = (await live.subscribe('subscription { salesTick { at } }').failure()) as { message: string }[];
      expect(failure[0]?.message).toBe('Cannot query field "salesTick" on type "Subscription".');
    } finally {
      await live.dispose();
    }
  });

  it('answers a stopped subgraph with 503 SERVICE_UNAVAILABLE and the request id, never the address it failed to reach', async () => {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-7' },
      body: JSON.stringify({ query: '{ products(first: 1) { edges { node { id } } } }' }),
    });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:9\b|stacktrace|catalog/);
    const { errors } = JSON.parse(text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.message).toBe(serviceUnavailableMessage);
      expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1, requestId: 'req-7' });
    }
  });

  it('does not serve /metrics to requests that came through the load balancer', async () => {
    const metricsUrl = running.url.replace(/\/graphql$/, '/metrics');
    expect((await fetch(metricsUrl, { headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(404);
    expect((await fetch(metricsUrl)).status).toBe(200);
  });
});
