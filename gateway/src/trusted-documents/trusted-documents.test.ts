import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, createLogger, createServiceMetrics, documentIdOf, signAccessToken } from '@rtc/service-kit';
import { connectLive, postGraphQL, testInternalToken, testJwtSecret, type LiveClient } from '@rtc/testkit';
import { createGateway } from '../gateway';
import { defaultOperationLimits } from '../limits/operation-limits';
import { readManifests } from '../trusted-document-files';
import { subgraphNames, type SubgraphName } from '../supergraph';
import { createTrustedDocuments } from './trusted-documents';

// No subgraph listens here: these operations are answered by the gateway alone, or refused before any fetch.
const unreachable = Object.fromEntries(subgraphNames.map((name) => [name, 'http://127.0.0.1:9/graphql'])) as Record<SubgraphName, string>;

const salesStats = readManifests()
  .get('dashboard.json')
  ?.operations.find((operation) => operation.name === 'DashboardSalesStats');
const freeSubscription = 'subscription Mine { salesStats(windowSeconds: 60) { orders } }';

async function startGateway(mode: 'safelist' | 'open') {
  const logger = createLogger({ service: 'gateway', level: 'silent' });
  const bus = createEventBus({ logger });
  const gateway = await createGateway(
    {
      production: false,
      internalToken: testInternalToken,
      jwtSecret: testJwtSecret,
      subgraphUrls: unreachable,
      limits: defaultOperationLimits,
      bodyLimitBytes: 1_000_000,
      storeCurrency: 'USD',
      trustedDocuments: mode,
    },
    { logger, metrics: createServiceMetrics('gateway'), bus },
  );
  const url = `${await gateway.http.listen(0, '127.0.0.1')}/graphql`;
  return { gateway, url, bus };
}

type Started = Awaited<ReturnType<typeof startGateway>>;
const started: Started[] = [];
const clients: LiveClient[] = [];
let analystToken: string;

beforeAll(async () => {
  analystToken = await signAccessToken({ userId: '1', role: 'ANALYST' }, testJwtSecret);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  for (const { gateway, bus } of started) {
    await gateway.http.close();
    await gateway.stop();
    await bus.close();
  }
});

const connect = (url: string) => {
  const client = connectLive(url, { authorization: `Bearer ${analystToken}` });
  clients.push(client);
  return client;
};

/** Subscribes with a raw payload, so an id can go without text; resolves with the first result or refusal. */
function firstAnswer(client: LiveClient, payload: { query: string; extensions?: Record<string, unknown> }): Promise<{ data?: unknown; errors?: unknown }> {
  return new Promise((resolve) => {
    const stop = client.client.subscribe(payload, {
      next: (result) => {
        stop();
        resolve({ data: result.data });
      },
      error: (errors) => resolve({ errors }),
      complete: () => undefined,
    });
  });
}

describe('trusted documents in open mode', () => {
  let open: Started;
  beforeAll(async () => {
    open = await startGateway('open');
    started.push(open);
  });

  it('runs any operation text over HTTP', async () => {
    const result = await postGraphQL(open.url, 'query Anything { __typename }');
    expect(result).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  });

  it('runs any subscription text over graphql-ws', async () => {
    const answer = await firstAnswer(connect(open.url), { query: freeSubscription });
    expect(answer).toEqual({ data: { salesStats: { orders: 0 } } });
  });

  it('still registers new operations by hash, as Apollo clients do (APQ)', async () => {
    const query = 'query Registered { __typename }';
    const sha256Hash = documentIdOf(query);
    const registered = await postGraphQL(open.url, query, {}, {});
    expect(registered.status).toBe(200);
    const response = await fetch(open.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    expect(response.status).toBe(200);
    const byId = await fetch(open.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    expect(await byId.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('trusted documents in safelist mode', () => {
  let safelist: Started;
  beforeAll(async () => {
    safelist = await startGateway('safelist');
    started.push(safelist);
  });

  it('refuses operation text that is not a trusted document, with 400 PERSISTED_QUERY_NOT_IN_LIST', async () => {
    const result = await postGraphQL(safelist.url, 'query Anything { __typename }');
    expect(result.status).toBe(400);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('does not let a client register its own text by sending it with its hash', async () => {
    const query = 'query Sneaky { __typename }';
    const sha256Hash = documentIdOf(query);
    const post = (body: unknown) =>
      fetch(safelist.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] },
      }));
    const withText = await post({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(withText.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const byId = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(byId.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const byDocumentId = await post({ documentId: `sha256:${sha256Hash}` });
    expect(byDocumentId.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses free text sent with GET, where no JSON body is read', async () => {
    const response = await fetch(`${safelist.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('runs a trusted subscription over graphql-ws by its text and by its id', async () => {
    const client = connect(safelist.url);
    const byText = await firstAnswer(client, { query: salesStats!.body });
    const byId = await firstAnswer(client, { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: salesStats!.id } } });
    expect(byText).toMatchObject({ data: { salesStats: { windowSeconds: 300, orders: 0 } } });
    expect(byId).toMatchObject({ data: { salesStats: { windowSeconds: 300, orders: 0 } } });
  });

  it('refuses free subscription text and unknown ids over graphql-ws', async () => {
    const client = connect(safelist.url);
    const free = await firstAnswer(client, { query: freeSubscription });
    const unknown = await firstAnswer(client, { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: documentIdOf(freeSubscription) } } });
    expect(free.errors).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })]);
    expect(unknown.errors).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })]);
  });

  it('still resolves the gateway’s own operations, which never arrive over HTTP', async () => {
    const result = await safelist.gateway.runAs({ userId: '0', role: 'ADMIN' }, 'query Internal { __typename }', {});
    expect(result).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('createTrustedDocuments', () => {
  it('refuses to start in safelist mode without any trusted document', () => {
    expect(() => createTrustedDocuments('safelist', [])).toThrow('no manifest holds any');
  });

  it('refuses an id that is not the hash of the text sent with it', () => {
    const trusted = createTrustedDocuments('open', []);
    const refusal = trusted.sourceOf({ query: '{ __typename }', documentId: `sha256:${documentIdOf('{ other }')}` });
    expect(refusal).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
  });
});
