import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBreakerStateGauge, createCircuitBreaker, type CircuitBreaker } from './circuit-breaker';
import { badInput, serviceUnavailable } from './errors';
import { createGraphQLClient } from './graphql-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const codeOf = (error: unknown) => (error as GraphQLError).extensions?.code;

async function failWith(breaker: CircuitBreaker, error: Error, times: number): Promise<number> {
  let ran = 0;
  for (let i = 0; i < times; i++) {
    await breaker
      .execute(async () => {
        ran += 1;
        throw error;
      })
      .catch(() => undefined);
  }
  return ran;
}

describe('the circuit breaker', () => {
  it('opens after consecutive unavailable failures, fails at once while open, and closes after a successful trial', async () => {
    const registry = new Registry();
    const gauge = createBreakerStateGauge(registry);
    const breaker = createCircuitBreaker('catalog', { failures: 3, windowMs: 1_000, coolOffMs: 300 }, gauge);
    expect(await failWith(breaker, serviceUnavailable(), 3)).toBe(3);
    expect(breaker.state).toBe('open');
    expect((await gauge.get()).values).toEqual([expect.objectContaining({ labels: { target: 'catalog' }, value: 2 })]);

    let ran = false;
    const started = performance.now();
    const failed = await breaker
      .execute(async () => {
        ran = true;
        return 'answer';
      })
      .catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(50);
    expect(ran).toBe(false);
    expect(codeOf(failed)).toBe('SERVICE_UNAVAILABLE');

    await sleep(350);
    expect(await breaker.execute(async () => 'answer')).toBe('answer');
    expect(breaker.state).toBe('closed');
    expect((await gauge.get()).values[0]?.value).toBe(0);
  });

  it('lets a single trial through after the cool-off, and opens again when it fails', async () => {
    const breaker = createCircuitBreaker('inventory', { failures: 2, coolOffMs: 200 });
    await failWith(breaker, serviceUnavailable(), 2);
    await sleep(250);
    let release!: () => void;
    const trial = breaker.execute(() => new Promise<never>((_, reject) => (release = () => reject(serviceUnavailable()))));
    expect(breaker.state).toBe('half-open');
    expect(codeOf(await breaker.execute(async () => 'other').catch((error: unknown) => error))).toBe('SERVICE_UNAVAILABLE');
    release();
    await expect(trial).rejects.toThrow();
    expect(breaker.state).toBe('open');
    expect(await failWith(breaker, serviceUnavailable(), 1)).toBe(0);
  });

  it('ignores errors of the request itself and failures spread wider than its window', async () => {
    const breaker = createCircuitBreaker('catalog', { failures: 2, windowMs: 100 });
    await failWith(breaker, badInput('id', 'bad'), 5);
    expect(breaker.state).toBe('closed');
    await failWith(breaker, serviceUnavailable(), 1);
    await sleep(150);
    await failWith(breaker, serviceUnavailable(), 1);
    expect(breaker.state).toBe('closed');
    await failWith(breaker, serviceUnavailable(), 1);
    expect(breaker.state).toBe('open');
  });
});

describe('a GraphQL client with a breaker', () => {
  let server: Server;
  let url: string;
  let healthy = false;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_, res) => {
      requests += 1;
      if (!healthy) {
        res.writeHead(502).end('bad gateway');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { ok: true } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('stops calling a failing service after a few 5xx answers, and calls it again once the cool-off passed', async () => {
    const client = createGraphQLClient({ url, internalToken: 'token', breaker: createCircuitBreaker('upstream', { failures: 3, coolOffMs: 300 }) });
    for (let i = 0; i < 10; i++) expect(codeOf(await client.request('{ ok }').catch((error: unknown) => error))).toBe('SERVICE_UNAVAILABLE');
    expect(requests).toBe(3);
    healthy = true;
    await sleep(350);
    expect(await client.request('{ ok }')).toEqual({ ok: true });
    expect(requests).toBe(4);
  });
});
