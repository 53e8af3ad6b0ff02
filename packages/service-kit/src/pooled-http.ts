import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';

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
}

/**
 * A fetch-shaped client over undici connection pools, one per origin. Service-to-service calls are the hot path of
 * a federated request; undici's pool costs far less CPU per call than the global fetch (no web streams, no
 * AbortSignal per call) and keeps its sockets alive between calls.
 */
export function createPooledFetch({ connections = 64, timeoutMs = 10_000 }: PooledFetchOptions = {}): PooledFetch & { close(): Promise<void> } {
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
  return Object.assign(pooledFetch, {
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  });
}
