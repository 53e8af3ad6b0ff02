import { GraphQLError } from 'graphql';
import type { Caller } from './caller';
import type { CircuitBreaker } from './circuit-breaker';
import { serviceUnavailable } from './errors';
import { createPooledFetch, type PooledFetch } from './pooled-http';
import { postToService } from './service-post';
import type { Tracer } from './tracing';

export interface GraphQLClientOptions {
  readonly url: string;
  readonly internalToken: string;
  /** How long each call waits for the answer (headers, then body) before failing with SERVICE_UNAVAILABLE. */
  readonly timeoutMs?: number;
  /** Share one set of connection pools between clients; each client gets its own otherwise. */
  readonly fetch?: PooledFetch;
  /** Traces the client's own pools; a shared `fetch` brings its own tracing. */
  readonly tracer?: Tracer | undefined;
  /** Fails calls at once while the service is known to be down (see createCircuitBreaker). */
  readonly breaker?: CircuitBreaker | undefined;
}

export interface RequestOptions {
  readonly caller?: Caller | null;
  readonly requestId?: string;
  /**
   * Safe to send twice: a read, or a write idempotent by a reference it carries. Such a call is retried once
   * when the connection failed; never after a timeout, whose budget is spent. Others are never retried.
   */
  readonly idempotent?: boolean;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface GraphQLClient {
  request<T>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<T>;
}

/**
 * Service-to-service GraphQL over pooled keep-alive HTTP connections.
 * A GraphQL error from the other side is rethrown with its code, so it reaches the client unchanged; a service
 * that cannot be reached, answers too slowly or fails without a GraphQL answer becomes SERVICE_UNAVAILABLE,
 * without its address or the transport's error.
 */
export function createGraphQLClient({
  url,
  internalToken,
  timeoutMs = 5_000,
  tracer,
  fetch = createPooledFetch({ timeoutMs, tracer }),
  breaker,
}: GraphQLClientOptions): GraphQLClient {
  const client: GraphQLClient = {
    async request<T>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
      const { status, body: answer } = await postToService(
        fetch,
        url,
        { query, variables },
        { internalToken, caller: options.caller, requestId: options.requestId, timeoutMs, idempotent: options.idempotent },
      );
      const body = answer as GraphQLResponse<T> | null;
      const first = body?.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: first.extensions ?? {} });
      if (status < 200 || status >= 300 || body?.data === undefined || body.data === null) {
        if (!body || status >= 500) throw serviceUnavailable();
        throw new Error(`${url} answered ${status} without data`);
      }
      return body.data;
    },
  };
  return breaker ? { request: (query, variables, options) => breaker.execute(() => client.request(query, variables, options)) } : client;
}
