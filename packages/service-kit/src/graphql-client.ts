import { GraphQLError } from 'graphql';
import { callerHeadersOf, type Caller } from './caller';
import { createPooledFetch, type PooledFetch } from './pooled-http';
import type { Tracer } from './tracing';

export interface GraphQLClientOptions {
  readonly url: string;
  readonly internalToken: string;
  readonly timeoutMs?: number;
  /** Share one set of connection pools between clients; each client gets its own otherwise. */
  readonly fetch?: PooledFetch;
  /** Traces the client's own pools; a shared `fetch` brings its own tracing. */
  readonly tracer?: Tracer | undefined;
}

export interface RequestOptions {
  readonly caller?: Caller | null;
  readonly requestId?: string;
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
 * A GraphQL error from the other side is rethrown with its code, so it reaches the client unchanged.
 */
export function createGraphQLClient({
  url,
  internalToken,
  timeoutMs = 5_000,
  tracer,
  fetch = createPooledFetch({ timeoutMs, tracer }),
}: GraphQLClientOptions): GraphQLClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...callerHeadersOf(options.caller ?? null, internalToken, options.requestId),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<T>;
      const first = body.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: first.extensions ?? {} });
      if (!response.ok || body.data === undefined || body.data === null) {
        throw new Error(`${url} answered ${response.status} without data`);
      }
      return body.data;
    },
  };
}
