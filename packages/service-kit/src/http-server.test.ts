import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createServiceServer, type RouteHandler } from './http-server';
import { createLogger } from './logger';
import { createServiceMetrics } from './metrics';

const logger = createLogger({ service: 'test', level: 'silent' });

function serve(routes: Record<string, RouteHandler> = {}) {
  return createServiceServer({ logger, metrics: createServiceMetrics('test', { defaults: false }), ready: async () => true, routes });
}

/** A route that answers only when the test says so: a request in flight for as long as the test needs. */
function heldRoute() {
  let release: () => void = () => undefined;
  let arrived: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const handler: RouteHandler = async (_req, res) => {
    arrived();
    await released;
    res.end('done');
  };
  return { handler, release, reached };
}

type Outcome = { status: number; connection: string | undefined; body: string } | { error: string };

/** GET over a fresh keep-alive connection: status, Connection header and body, or the error that ended it. */
function get(url: string): Promise<Outcome> {
  const agent = new Agent({ keepAlive: true });
  return new Promise<Outcome>((resolve) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  }).finally(() => agent.destroy());
}

describe('the service HTTP surface', () => {
  it('serves /metrics inside the cluster and not to requests that came through the load balancer', async () => {
    const server = serve();
    const url = await server.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      const forwarded = await fetch(`${url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(forwarded.status).toBe(404);
      expect(await forwarded.text()).not.toContain('rtc_');
    } finally {
      await server.close();
    }
  });

  it('answers /readyz 503 once draining, still serves, and asks every client to close its connection', async () => {
    const server = serve({ '/hello': (_req, res) => void res.end('hi') });
    const url = await server.listen(0, '127.0.0.1');
    try {
      expect(await get(`${url}/readyz`)).toMatchObject({ status: 200, connection: 'keep-alive' });
      server.drain();
      expect(await get(`${url}/readyz`)).toMatchObject({ status: 503, connection: 'close' });
      expect(await get(`${url}/healthz`)).toMatchObject({ status: 200, connection: 'close' });
      expect(await get(`${url}/hello`)).toMatchObject({ status: 200, connection: 'close', body: 'hi' });
    } finally {
      await server.close();
    }
  });

  it('lets a request in flight finish on close, and takes no new connection meanwhile', async () => {
    const held = heldRoute();
    const server = serve({ '/slow': held.handler });
    const url = await server.listen(0, '127.0.0.1');
    const inFlight = get(`${url}/slow`);
    await held.reached;
    const closed = server.close(Date.now() + 10_000);
    expect(await get(`${url}/healthz`)).toEqual({ error: 'ECONNREFUSED' });
    held.release();
    expect(await inFlight).toEqual({ status: 200, connection: 'close', body: 'done' });
    expect(await closed).toBe(0);
  });

  it('cuts a request still running at the deadline', async () => {
    const held = heldRoute();
    const server = serve({ '/slow': held.handler });
    const url = await server.listen(0, '127.0.0.1');
    const inFlight = get(`${url}/slow`);
    await held.reached;
    const started = Date.now();
    expect(await server.close(Date.now() + 300)).toBe(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await inFlight).toHaveProperty('error');
    held.release();
  });
});
