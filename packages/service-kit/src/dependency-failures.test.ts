import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, errorCodeOf } from './errors';
import { createGraphQLClient } from './graphql-client';
import { createPooledFetch, upstreamFailureOf, withRetry } from './pooled-http';

const servers: Server[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

/** A port nothing listens on: a server that was there and closed. */
async function refusedUrl(): Promise<string> {
  const { url, server } = await listen(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('a pooled call to a failing service', () => {
  it('says a refused connection is unreachable', async () => {
    const fetch = createPooledFetch();
    const error: unknown = await fetch(await refusedUrl()).catch((caught: unknown) => caught);
    expect(upstreamFailureOf(error)).toBe('unreachable');
    await fetch.close();
  });

  it('gives up on a silent service after its own timeout, not the pool default', async () => {
    const { url } = await listen(() => undefined);
    const fetch = createPooledFetch({ timeoutMs: 30_000 });
    const started = performance.now();
    const error: unknown = await fetch(url, { method: 'POST', body: '{}', timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(upstreamFailureOf(error)).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_500);
    await fetch.close();
  });
});

describe('withRetry', () => {
  it('tries again while the failure is retryable, at most `retries` more times', async () => {
    let calls = 0;
    const failing = () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).finally(() => (calls += 1));
    await expect(withRetry(failing, { retries: 2, backoffMs: 5 }, () => true)).rejects.toThrow('refused');
    expect(calls).toBe(3);
  });

  it('does not retry a failure it is told is final', async () => {
    let calls = 0;
    await expect(
      withRetry(
        () => Promise.reject(new Error('no')).finally(() => (calls += 1)),
        { retries: 3, backoffMs: 5 },
        () => false,
      ),
    ).rejects.toThrow();
    expect(calls).toBe(1);
  });
});

describe('the service-to-service GraphQL client', () => {
  const client = (url: string, timeoutMs = 2_000) => createGraphQLClient({ url, internalToken: 'token', timeoutMs });

  it('answers SERVICE_UNAVAILABLE without the address when the service is down', async () => {
    const url = await refusedUrl();
    const error: unknown = await client(url)
      .request('{ a }')
      .catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe(ErrorCode.ServiceUnavailable);
    expect(String((error as Error).message)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{2,5}/);
  });

  it('answers SERVICE_UNAVAILABLE when the service does not answer in time', async () => {
    const { url } = await listen(() => undefined);
    const started = performance.now();
    const error: unknown = await client(url, 300)
      .request('{ a }')
      .catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe(ErrorCode.ServiceUnavailable);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('answers SERVICE_UNAVAILABLE for a 5xx without a GraphQL answer', async () => {
    const { url } = await listen((_req, res) => res.writeHead(502).end('<html>bad gateway</html>'));
    const error: unknown = await client(url)
      .request('{ a }')
      .catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe(ErrorCode.ServiceUnavailable);
  });

  // The first request of each test reaches the server, which drops the connection before answering.
  const flakyServer = async () => {
    let requests = 0;
    const { url } = await listen((req, res) => {
      requests += 1;
      req.resume();
      req.on('end', () => {
        if (requests === 1) req.socket.destroy();
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"a":1}}');
      });
    });
    return { url, requests: () => requests };
  };

  it('sends an idempotent call again once when its connection broke', async () => {
    const flaky = await flakyServer();
    expect(await client(flaky.url).request('{ a }', {}, { idempotent: true })).toEqual({ a: 1 });
    expect(flaky.requests()).toBe(2);
  });

  it('never sends any other call twice', async () => {
    const flaky = await flakyServer();
    const error: unknown = await client(flaky.url)
      .request('mutation { a }')
      .catch((caught: unknown) => caught);
    expect(errorCodeOf(error)).toBe(ErrorCode.ServiceUnavailable);
    expect(flaky.requests()).toBe(1);
  });
});
