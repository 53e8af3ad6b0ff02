import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import { InternalHeader } from './caller';
import { currentTraceContext, inSpan, inTrace, requestIdAttribute, SpanKind, type Tracer } from './tracing';

export interface PooledResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export interface PooledRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export type PooledFetch = (url: string, init?: PooledRequest) => Promise<PooledResponse>;

export interface PooledFetchOptions {
  /** Keep-alive connections per upstream origin. */
  readonly connections?: number;
  readonly timeoutMs?: number;
  /** Each call inside a trace becomes a client span whose context travels in `traceparent`; absent, nothing is traced. */
  readonly tracer?: Tracer | undefined;
}

/**
 * A fetch-shaped client over undici connection pools, one per origin. Service-to-service calls are the hot path of
 * a federated request; undici's pool costs far less CPU per call than the global fetch (no web streams, no
 * AbortSignal per call) and keeps its sockets alive between calls.
 */
export function createPooledFetch({ connections = 64, timeoutMs = 10_000, tracer }: PooledFetchOptions = {}): PooledFetch & { close(): Promise<void> } {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections, keepAliveTimeout: 60_000, pipelining: 1 });
      pools.set(origin, pool);
    }
    return pool;
  };
  const pooledFetch = async (url: string, init: PooledRequest = {}): Promise<PooledResponse> => {
    const target = new URL(url);
    const { statusCode, headers, body } = await poolFor(target.origin).request({
      path: `${target.pathname}${target.search}`,
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers ?? {},
      body: init.body ?? null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await body.text();
    return {
      ok: statusCode >= 200 && statusCode < 300,
      status: statusCode,
      statusText: STATUS_CODES[statusCode] ?? '',
      url,
      headers: {
        get(name) {
          const value = headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
        },
      },
      json: async () => JSON.parse(text) as unknown,
      text: async () => text,
    };
  };
  const tracedFetch: PooledFetch = (url, init = {}) => {
    if (!tracer || !inTrace()) return pooledFetch(url, init);
    const target = new URL(url);
    const method = init.method ?? 'GET';
    const requestId = init.headers?.[InternalHeader.RequestId];
    return inSpan(
      tracer,
      `${method} ${target.host}${target.pathname}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'url.full': `${target.origin}${target.pathname}`,
          'server.address': target.hostname,
          'server.port': Number(target.port || 80),
          ...(requestId ? { [requestIdAttribute]: requestId } : {}),
        },
      },
      async (span) => {
        const response = await pooledFetch(url, { ...init, headers: { ...init.headers, ...currentTraceContext() } });
        span.setAttribute('http.response.status_code', response.status);
        return response;
      },
    );
  };
  return Object.assign(tracer ? tracedFetch : pooledFetch, {
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  });
}
