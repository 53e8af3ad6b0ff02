import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InternalHeader } from './caller';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import { contextFrom, inSpan, requestIdAttribute, SpanKind, type Tracer } from './tracing';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void> | void;

export interface ServiceServerOptions {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Readiness: dependencies answer (database, bus). */
  readonly ready: () => Promise<boolean>;
  /** Exact paths; `/healthz`, `/readyz` and `/metrics` are added. */
  readonly routes: Record<string, RouteHandler>;
  /** Each request to `routes` becomes a server span continuing the caller's trace; absent, nothing is traced. */
  readonly tracer?: Tracer | undefined;
}

export interface ServiceServer {
  readonly server: Server;
  listen(port: number, host?: string): Promise<string>;
  /** True once `drain()` was called. */
  readonly draining: boolean;
  /**
   * The first step of a graceful stop: `/readyz` answers 503 so load balancers and the gateway's checks stop
   * sending work, and every response from now on carries `Connection: close` so keep-alive clients move elsewhere.
   */
  drain(): void;
  /**
   * Stops accepting connections, lets requests in flight finish until `deadline` (epoch ms), then cuts what is
   * left. Resolves with the number of connections that had to be cut.
   */
  close(deadline?: number): Promise<number>;
}

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[InternalHeader.RequestId];
  return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A route whose requests each run in a server span, child of the trace in the request's `traceparent`. */
export function traceRoute(tracer: Tracer, path: string, handler: RouteHandler): RouteHandler {
  return (req, res, requestId) =>
    inSpan(
      tracer,
      `${req.method ?? 'GET'} ${path}`,
      {
        kind: SpanKind.SERVER,
        parent: contextFrom(req.headers),
        attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path, [requestIdAttribute]: requestId },
      },
      async (span) => {
        await handler(req, res, requestId);
        span.setAttribute('http.response.status_code', res.statusCode);
      },
    );
}

/** Node's http server with the ops surface every RTC service shares. */
export function createServiceServer({ logger, metrics, ready, routes, tracer }: ServiceServerOptions): ServiceServer {
  const served = tracer ? Object.fromEntries(Object.entries(routes).map(([path, handler]) => [path, traceRoute(tracer, path, handler)])) : routes;
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const table: Record<string, RouteHandler> = {
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => {
      const ok = !draining && (await ready().catch(() => false));
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
    },
    '/metrics': async (req, res) => {
      // Prometheus scrapes pods directly; a request carrying X-Forwarded-For came through the load balancer.
      if (req.headers['x-forwarded-for'] !== undefined) {
        sendRefusal(req, res, 404, { error: 'not found' });
        return;
      }
      const body = await (metrics.exposition ?? (() => metrics.registry.metrics()))();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(body);
    },
    ...served,
  };

  const server = createServer((req, res) => {
    const requestId = requestIdOf(req);
    res.setHeader(InternalHeader.RequestId, requestId);
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const handler = table[path];
    if (!handler) {
      sendRefusal(req, res, 404, { error: 'not found' });
      return;
    }
    Promise.resolve(handler(req, res, requestId)).catch((error: unknown) => {
      logger.error({ err: error, requestId, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  // Longer than the load balancer's idle timeout, so it never reuses a socket the server just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const drain = () => {
    if (draining) return;
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    server.closeIdleConnections();
  };

  return {
    server,
    listen(port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`);
        });
      });
    },
    get draining() {
      return draining;
    },
    drain,
    close(deadline = Date.now() + 10_000) {
      drain();
      return new Promise((resolve) => {
        let cut = 0;
        const timer = setTimeout(
          () => {
            cut = inFlight.size;
            server.closeAllConnections();
          },
          Math.max(0, deadline - Date.now()),
        );
        server.close(() => {
          clearTimeout(timer);
          resolve(cut);
        });
        server.closeIdleConnections();
      });
    },
  };
}

export class BodyTooLargeError extends Error {}

/** Reads a request body up to `limitBytes`; past it, stops collecting and leaves the rest to `sendRefusal`. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const tooLarge = () => new BodyTooLargeError(`request body over ${limitBytes} bytes`);
  if (Number(req.headers['content-length']) > limitBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // A client that hangs up mid-body: 'close' without 'end'.
    const onClose = () => onError(new Error('request closed before its body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Past this many unread bytes a refused request's connection is closed rather than drained. */
export const drainLimitBytes = 16 * 1024 * 1024;

/**
 * Answers a request refused before its body was read, so the connection can carry the next request: the rest of the
 * body is read and thrown away. A body too large to drain gets `Connection: close` and the socket closes instead.
 */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const declared = Number(req.headers['content-length']);
  if (declared > drainLimitBytes) res.setHeader('connection', 'close');
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > drainLimitBytes) req.socket.destroy();
  });
  req.resume();
  sendJson(res, status, body);
}
