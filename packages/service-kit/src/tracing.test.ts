import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPooledFetch } from './pooled-http';
import { createServiceMetrics } from './metrics';
import { createServiceServer } from './http-server';
import { createLogger } from './logger';
import { currentTraceContext, inSpan, inTrace, startTracing, type Tracing } from './tracing';

// Stands in for the next service (records what it was sent) and for the collector (accepts every export).
const received: IncomingHttpHeaders[] = [];
const peer = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url !== '/v1/traces') received.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let origin: string;
let tracing: Tracing;

beforeAll(async () => {
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  tracing = startTracing({ endpoint: origin, serviceName: 'kit-test' })!;
});

afterAll(async () => {
  await tracing?.shutdown();
  await new Promise((resolve) => peer.close(resolve));
});

const traceIdOf = (traceparent: unknown) => String(traceparent).split('-')[1];

describe('tracing', () => {
  it('starts nothing without an OTLP endpoint', () => {
    expect(startTracing({ endpoint: undefined, serviceName: 'off' })).toBeUndefined();
  });

  it("carries the caller's trace to the next service in traceparent, and nothing outside a trace", async () => {
    const pooledFetch = createPooledFetch({ tracer: tracing.tracer });
    try {
      const traceId = await inSpan(tracing.tracer, 'caller', {}, async (span) => {
        await pooledFetch(`${origin}/graphql`, { method: 'POST', headers: { 'x-request-id': 'r-1' }, body: '{}' });
        return span.spanContext().traceId;
      });
      expect(traceIdOf(received.at(-1)?.['traceparent'])).toBe(traceId);
      expect(received.at(-1)?.['x-request-id']).toBe('r-1');

      expect(inTrace()).toBe(false);
      await pooledFetch(`${origin}/graphql`);
      expect(received.at(-1)?.['traceparent']).toBeUndefined();
    } finally {
      await pooledFetch.close();
    }
  });

  it("continues the caller's trace in the server span of a service's route", async () => {
    let seenTraceId: string | undefined;
    const server = createServiceServer({
      logger: createLogger({ service: 'kit-test', level: 'silent' }),
      metrics: createServiceMetrics('kit-test'),
      ready: async () => true,
      tracer: tracing.tracer,
      routes: {
        '/graphql': (_req, res) => {
          seenTraceId = inTrace() ? traceIdOf(currentTraceContext()['traceparent']) : undefined;
          res.end('{}');
        },
      },
    });
    const url = await server.listen(0, '127.0.0.1');
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await fetch(`${url}/graphql`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
      expect(seenTraceId).toBe(traceId);
    } finally {
      await server.close();
    }
  });
});
