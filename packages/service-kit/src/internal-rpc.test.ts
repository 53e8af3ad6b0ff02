import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalHeader } from './caller';
import { ErrorCode, outOfStock } from './errors';
import { createServiceServer, type ServiceServer } from './http-server';
import { createInternalClient, createInternalEndpoint, createInternalEndpoints, createInternalRoutes, defineInternalProcedure } from './internal-rpc';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';
import { createPooledFetch } from './pooled-http';

const internalToken = 'internal-rpc-test-token-0123456789';
const metrics = createServiceMetrics('internal-rpc-test', { defaults: false });

const procedures = [
  defineInternalProcedure({
    name: 'add',
    input: z.object({ a: z.number().int(), b: z.number().int() }),
    run: async ({ a, b }) => ({ sum: a + b }),
  }),
  defineInternalProcedure({
    name: 'reserve',
    input: z.object({ productId: z.string() }),
    run: async ({ productId }): Promise<never> => {
      throw outOfStock([productId]);
    },
  }),
  defineInternalProcedure({
    name: 'crash',
    input: z.object({}),
    run: async (): Promise<never> => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:3306 while running select * from secrets');
    },
  }),
];

let server: ServiceServer;
let baseUrl: string;
const fetch = createPooledFetch({ timeoutMs: 2_000 });

beforeAll(async () => {
  const logger = createLogger({ service: 'internal-rpc-test', level: 'silent' });
  server = createServiceServer({
    logger,
    metrics,
    ready: async () => true,
    routes: createInternalRoutes(procedures, { service: 'test', internalToken, metrics, logger }),
  });
  baseUrl = await server.listen(0, '127.0.0.1');
});

afterAll(async () => {
  await server?.close();
  await fetch.close();
});

const post = async (path: string, body: string, headers: Record<string, string> = { [InternalHeader.Token]: internalToken }) => {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
};

describe('internal procedures', () => {
  it('answers a call with its data and counts it in the request metrics under its name', async () => {
    const client = createInternalClient({ baseUrl: `${baseUrl}/graphql`, internalToken, fetch });
    await expect(client.call('add', { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    const counted = (await metrics.graphqlRequests.get()).values.find((value) => value.labels['operation'] === 'add');
    expect(counted?.labels['outcome']).toBe('success');
    expect(counted?.value).toBeGreaterThanOrEqual(1);
  });

  it('reads an address given as a function on each call, for a service that listens after its caller is built', async () => {
    const target: { address?: string } = {};
    const client = createInternalClient({
      baseUrl: () => {
        if (!target.address) throw new Error('not listening yet');
        return target.address;
      },
      internalToken,
      fetch,
    });
    await expect(client.call('add', { a: 1, b: 1 })).rejects.toThrow('not listening yet');
    target.address = `${baseUrl}/graphql`;
    await expect(client.call('add', { a: 1, b: 1 })).resolves.toEqual({ sum: 2 });
  });

  it('refuses a call without the internal token (401) or with a wrong one, before reading it', async () => {
    expect(await post('/internal/add', '{"a":1,"b":2}', {})).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const wrong = await post('/internal/add', '{"a":1,"b":2}', { [InternalHeader.Token]: 'not-the-token' });
    expect(wrong.status).toBe(401);
    const client = createInternalClient({ baseUrl, internalToken: 'not-the-token', fetch });
    await expect(client.call('add', { a: 1, b: 2 })).rejects.toMatchObject({ extensions: { code: ErrorCode.Unauthenticated } });
  });

  it('refuses a call made on behalf of a user (403): procedures are for services alone', async () => {
    const answer = await post('/internal/add', '{"a":1,"b":2}', {
      [InternalHeader.Token]: internalToken,
      [InternalHeader.UserId]: '7',
      [InternalHeader.UserRole]: 'ADMIN',
    });
    expect(answer).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: ErrorCode.Forbidden } }] } });
  });

  it('answers bad input with BAD_USER_INPUT naming the field, and a body that is not JSON with BAD_REQUEST', async () => {
    const client = createInternalClient({ baseUrl, internalToken, fetch });
    await expect(client.call('add', { a: 1, b: 'two' })).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput, argumentName: 'b' } });
    expect(await post('/internal/add', '{"a":')).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
  });

  it('passes a coded error through with its extensions, and masks an unexpected one', async () => {
    const client = createInternalClient({ baseUrl, internalToken, fetch });
    await expect(client.call('reserve', { productId: '42' })).rejects.toMatchObject({ extensions: { code: ErrorCode.OutOfStock, productIds: ['42'] } });
    const crash = await post('/internal/crash', '{}');
    expect(crash.body.errors?.[0]).toMatchObject({ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(crash.body)).not.toContain('10.0.0.7');
  });

  it('answers an unknown procedure 404 and a GET 405', async () => {
    expect((await post('/internal/nothing', '{}')).status).toBe(404);
    const get = await fetch(`${baseUrl}/internal/add`, { headers: { [InternalHeader.Token]: internalToken } });
    expect(get.status).toBe(405);
  });

  it('turns a service that cannot be reached into SERVICE_UNAVAILABLE without its address', async () => {
    // Nothing listens on port 9.
    const client = createInternalClient({ baseUrl: 'http://127.0.0.1:9', internalToken, fetch });
    const failure = await client.call('add', { a: 1, b: 2 }, { idempotent: true }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ extensions: { code: ErrorCode.ServiceUnavailable } });
    expect((failure as Error).message).not.toContain('127.0.0.1');
  });
});

describe('internal procedures called directly, in one thread', () => {
  const logger = createLogger({ service: 'internal-rpc-test', level: 'silent' });
  const directMetrics = createServiceMetrics('internal-rpc-direct-test', { defaults: false });
  const endpoints = createInternalEndpoints();
  endpoints.register('test', createInternalEndpoint(procedures, { service: 'test', internalToken, metrics: directMetrics, logger }));
  const countOf = async (operation: string, outcome: string) =>
    (await directMetrics.graphqlRequests.get()).values.find((value) => value.labels['operation'] === operation && value.labels['outcome'] === outcome)?.value ??
    0;
  // Nothing listens on port 9: an answer can only come from the direct call.
  const directClient = (token = internalToken, timeoutMs?: number) =>
    createInternalClient({
      baseUrl: 'http://127.0.0.1:9',
      internalToken: token,
      fetch,
      direct: () => endpoints.endpointOf('test'),
      ...(timeoutMs ? { timeoutMs } : {}),
    });

  it('answers as over HTTP, counted in the same request metrics', async () => {
    await expect(directClient().call('add', { a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    expect(await countOf('add', 'success')).toBe(1);
    await expect(directClient().call('add', { a: 1, b: 'two' })).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput, argumentName: 'b' } });
    await expect(directClient().call('reserve', { productId: '42' })).rejects.toMatchObject({ extensions: { code: ErrorCode.OutOfStock, productIds: ['42'] } });
    const crash = await directClient()
      .call('crash', {})
      .catch((error: unknown) => error);
    expect(crash).toMatchObject({ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(crash)).not.toContain('10.0.0.7');
    expect(await countOf('reserve', 'error')).toBe(1);
    await expect(directClient().call('nothing', {})).rejects.toThrow('has no procedure nothing');
  });

  it('still needs the internal token', async () => {
    await expect(directClient('not-the-token').call('add', { a: 1, b: 2 })).rejects.toMatchObject({ extensions: { code: ErrorCode.Unauthenticated } });
  });

  it('hands the caller a copy of the answer, as HTTP would, and goes over HTTP once the service left the thread', async () => {
    const kept = { sum: 1, at: new Date(0) };
    const local = createInternalEndpoints();
    const withdraw = local.register(
      'test',
      createInternalEndpoint([defineInternalProcedure({ name: 'kept', input: z.object({}), run: async () => kept })], {
        service: 'test',
        internalToken,
        metrics: directMetrics,
        logger,
      }),
    );
    const client = createInternalClient({ baseUrl, internalToken, fetch, direct: () => local.endpointOf('test') });
    const answer = await client.call<{ sum: number; at: unknown }>('kept', {});
    expect(answer).toEqual({ sum: 1, at: '1970-01-01T00:00:00.000Z' });
    withdraw();
    expect(local.endpointOf('test')).toBeUndefined();
    // The HTTP server has no `kept`: its answer shows the call went there.
    await expect(client.call('kept', {})).rejects.toThrow();
    await expect(client.call('add', { a: 1, b: 1 })).resolves.toEqual({ sum: 2 });
  });

  it('fails with SERVICE_UNAVAILABLE when the answer takes longer than the timeout', async () => {
    const slow = createInternalEndpoints();
    slow.register('test', async () => new Promise(() => undefined));
    const client = createInternalClient({ baseUrl: 'http://127.0.0.1:9', internalToken, fetch, timeoutMs: 50, direct: () => slow.endpointOf('test') });
    await expect(client.call('add', { a: 1, b: 1 })).rejects.toMatchObject({ extensions: { code: ErrorCode.ServiceUnavailable } });
  });
});
