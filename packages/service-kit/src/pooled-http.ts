import { EventEmitter } from 'node:events';
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
  /** A deadline for the whole call, answer included; without it, the pool's `timeoutMs` for headers, then for the body. */
  readonly timeoutMs?: number;
}

export type PooledFetch = (url: string, init?: PooledRequest) => Promise<PooledResponse>;

export interface PooledFetchOptions {
  /** Keep-alive connections per upstream origin. */
  readonly connections?: number;
  /** Default wait for an answer's headers and then its body, per call. */
  readonly timeoutMs?: number;
  /** How long opening a connection may take; an unreachable host fails after this. */
  readonly connectTimeoutMs?: number;
  /** Each call inside a trace becomes a client span whose context travels in `traceparent`; absent, nothing is traced. */
  readonly tracer?: Tracer | undefined;
}

/**
 * A fetch-shaped client over undici connection pools, one per origin. Service-to-service calls are the hot path of
 * a federated request; undici's pool costs far less CPU per call than the global fetch (no web streams, no
 * AbortSignal per call) and keeps its sockets alive between calls.
 */
export function createPooledFetch({ connections = 64, timeoutMs = 10_000, connectTimeoutMs = 2_000, tracer }: PooledFetchOptions = {}): PooledFetch & {
  close(): Promise<void>;
} {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections, keepAliveTimeout: 60_000, pipelining: 1, connectTimeout: connectTimeoutMs });
      pools.set(origin, pool);
    }
    return pool;
  };
  const pooledFetch = async (url: string, init: PooledRequest = {}): Promise<PooledResponse> => {
    const target = new URL(url);
    // undici's own timeouts tick once a second or so; a deadline under a second needs a timer of its own. An
    // EventEmitter is the cheap signal undici accepts (no AbortController per call).
    const abort = init.timeoutMs === undefined ? undefined : new EventEmitter();
    let expired = false;
    const timer = abort && setTimeout(() => ((expired = true), abort.emit('abort')), init.timeoutMs);
    try {
      const { statusCode, headers, body } = await poolFor(target.origin).request({
        path: `${target.pathname}${target.search}`,
        method: (init.method ?? 'GET') as 'GET',
        headers: init.headers ?? {},
        body: init.body ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: abort ?? null,
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
    } catch (error) {
      if (expired) throw Object.assign(new Error(`no answer within ${init.timeoutMs} ms`, { cause: error }), { code: deadlineCode });
      throw error;
    } finally {
      clearTimeout(timer);
    }
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

/** The code of a call that ran out of its own time budget: upstreamFailureOf calls it a timeout. */
export const deadlineCode = 'RTC_DEADLINE_EXCEEDED';
// undici's codes and the socket's own: see undici's docs/api/Errors.md.
const timeoutCodes: ReadonlySet<string> = new Set([deadlineCode, 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const unreachableCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Why a pooled call failed without an answer: `timeout` (the other side is slow or frozen; the call may have run),
 * `unreachable` (no connection, or it broke; a call that was sent may have run too), undefined for anything else.
 */
export function upstreamFailureOf(error: unknown): 'timeout' | 'unreachable' | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && timeoutCodes.has(code)) return 'timeout';
    if (typeof code === 'string' && unreachableCodes.has(code)) return 'unreachable';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface RetryPolicy {
  /** Further attempts after the first; 0 never retries. */
  readonly retries: number;
  /** The first backoff; each next one doubles, and each is drawn at random from [base/2, base] so callers spread out. */
  readonly backoffMs: number;
}

/**
 * Runs `call`, and again after a short jittered pause while `retryable` says the failure may pass, at most
 * `retries` more times. Only for calls that are safe to repeat: reads, or writes idempotent by a reference.
 */
export async function withRetry<T>(call: () => Promise<T>, { retries, backoffMs }: RetryPolicy, retryable: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= retries || !retryable(error)) throw error;
      const ceiling = backoffMs * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}
