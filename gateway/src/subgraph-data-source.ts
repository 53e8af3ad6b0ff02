import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import {
  callerHeadersOf,
  Counter,
  createSingleFlight,
  ErrorCode,
  InternalHeader,
  Histogram,
  serviceUnavailable,
  serviceUnavailableMessage,
  upstreamFailureOf,
  withRetry,
  type PooledFetch,
  type PooledResponse,
  type SingleFlight,
  type ServiceMetrics,
} from '@rtc/service-kit';
import type { GatewayContext } from './context';
import { cacheTagsOfFetch } from './response-cache/cache-tags';

/** How long each subgraph fetch may take, and how often a failed read is tried again. */
export interface SubgraphCallPolicy {
  /** Reads: most answer in milliseconds, so a slow one fails the field early and the rest of the plan still answers. */
  readonly queryTimeoutMs: number;
  /** Mutations, such as checkout with its own calls to catalog and inventory: longer, still bounded. */
  readonly mutationTimeoutMs: number;
  /** Further attempts of a read whose connection failed or whose subgraph answered 502/503/504; mutations never. */
  readonly queryRetries: number;
  readonly retryBackoffMs: number;
}

export const defaultSubgraphCallPolicy: SubgraphCallPolicy = { queryTimeoutMs: 2_500, mutationTimeoutMs: 10_000, queryRetries: 1, retryBackoffMs: 50 };

interface FetchScope {
  readonly timeoutMs: number;
  /** A read that may share an identical call in flight; never a mutation. */
  readonly mergeable: boolean;
}

// The data source is shared by concurrent requests; the timeout of the fetch in progress, and whether it may merge, travel with it.
const fetchScope = new AsyncLocalStorage<FetchScope>();

/**
 * Headers that differ per request but never change what a subgraph answers to a read, left out of the merge key so
 * they do not defeat merging: the request id, and the client's address (counted only by users' signUp and logIn,
 * mutations). Every other header is in the key: the internal token, and the caller's user id and role, so no caller
 * ever receives an answer made for another.
 */
const headersOutsideMergeKey: ReadonlySet<string> = new Set([InternalHeader.RequestId, InternalHeader.ClientAddress]);

function scopeOf(headers: Readonly<Record<string, string>> = {}): string {
  return Object.keys(headers)
    .filter((name) => !headersOutsideMergeKey.has(name))
    .sort()
    .map((name) => `${name}:${headers[name]}`)
    .join('\n');
}

const retriedStatuses: readonly number[] = [502, 503, 504];

/** Thrown by errorFromResponse for a 502/503/504 without a refusal of the subgraph's own: a read may try again. */
class UnavailableAnswer extends GraphQLError {
  constructor() {
    super(serviceUnavailableMessage, { extensions: { code: ErrorCode.ServiceUnavailable } });
  }
}

type FetchResponse = Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0];

const passedOnRefusals: readonly string[] = [ErrorCode.RateLimited, ErrorCode.ServerBusy];

/** The subgraph's own refusal in a 429 or 503 body, e.g. a locked account: its message, code and retry delay. */
function refusalIn(body: unknown): GraphQLError | null {
  const [first] = (body as { errors?: { message?: unknown; extensions?: Record<string, unknown> }[] } | null)?.errors ?? [];
  const code = first?.extensions?.['code'];
  if (typeof code !== 'string' || !passedOnRefusals.includes(code) || typeof first?.message !== 'string') return null;
  return new GraphQLError(first.message, { extensions: { code, retryAfterSeconds: first.extensions?.['retryAfterSeconds'] } });
}

export interface SubgraphFetchMetrics {
  readonly duration: Histogram<'subgraph'>;
  readonly errors: Counter<'subgraph'>;
  readonly merged: Counter<'subgraph'>;
}

export function createSubgraphFetchMetrics(metrics: ServiceMetrics): SubgraphFetchMetrics {
  return {
    duration: new Histogram({
      name: 'rtc_gateway_subgraph_fetch_duration_seconds',
      help: 'Latency of each query-plan fetch to a subgraph',
      labelNames: ['subgraph'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    }),
    errors: new Counter({
      name: 'rtc_gateway_subgraph_fetch_errors_total',
      help: 'Subgraph fetches that failed or returned GraphQL errors',
      labelNames: ['subgraph'],
      registers: [metrics.registry],
    }),
    merged: new Counter({
      name: 'rtc_gateway_subgraph_requests_merged_total',
      help: 'Subgraph reads that shared an identical read already in flight instead of making a call of their own',
      labelNames: ['subgraph'],
      registers: [metrics.registry],
    }),
  };
}

function withTimeout(fetch: PooledFetch): PooledFetch {
  return (input, init) => fetch(input, { ...init, timeoutMs: fetchScope.getStore()?.timeoutMs });
}

/**
 * Identical reads in flight at the same moment (same subgraph, document, variables and caller scope) share one call.
 * They share the answer's text, not its parsed objects: PooledResponse.json() parses anew for each of them, so no two
 * requests ever hold the same result objects while the gateway merges the rest of their plans into them. The key is
 * the request body Apollo already serialized (the bytes the subgraph receives), so a read is not serialized a second
 * time for it; the same plan step always serializes the same way, so identical reads still meet.
 */
function mergingReads(subgraph: string, fetch: PooledFetch, flight: SingleFlight<PooledResponse>, merged: Counter<'subgraph'> | undefined): PooledFetch {
  const joined = merged?.labels({ subgraph });
  const onJoin = joined ? () => joined.inc() : undefined;
  return (input, init) => {
    const scope = fetchScope.getStore();
    if (!scope?.mergeable || init?.body === undefined) return fetch(input, init);
    return flight(`${input}\n${scopeOf(init.headers)}\n${init.body}`, () => fetch(input, init), { onJoin, waitMs: scope.timeoutMs });
  };
}

function timedFetch(subgraph: string, fetch: PooledFetch, metrics: SubgraphFetchMetrics): PooledFetch {
  // This subgraph's series, taken once: a fetch builds no label objects.
  const duration = metrics.duration.labels({ subgraph });
  const errors = metrics.errors.labels({ subgraph });
  return async (input, init) => {
    const started = process.hrtime.bigint();
    try {
      const response = await fetch(input, init);
      if (!response.ok) errors.inc();
      return response;
    } catch (error) {
      errors.inc();
      throw error;
    } finally {
      duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

export interface SubgraphDataSourceOptions {
  readonly name: string;
  readonly url: string;
  readonly internalToken: string;
  /** Keep-alive connection pools shared by every subgraph's data source. */
  readonly fetch: PooledFetch;
  /** Absent: fetch without timing. */
  readonly metrics?: SubgraphFetchMetrics | undefined;
  /** Absent: defaultSubgraphCallPolicy. */
  readonly policy?: SubgraphCallPolicy | undefined;
  /** Identical reads in flight at the same moment share one call (see mergingReads); default true. */
  readonly mergeReads?: boolean | undefined;
}

/**
 * Sends each fetch of a query plan to one subgraph over pooled keep-alive connections,
 * carrying the internal token, the verified caller and the request id. A subgraph that cannot be reached, answers
 * too slowly or fails with a 5xx becomes SERVICE_UNAVAILABLE for the fields of this fetch, without its address or
 * the transport's error; the rest of the plan still answers. Identical reads in flight at the same moment, for the same
 * caller scope, share one call (see gateway/README.md).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly internalToken: string;
  private readonly policy: SubgraphCallPolicy;
  private readonly mergeReads: boolean;
  private readonly subgraph: string;

  constructor({ name, url, internalToken, fetch, metrics, policy = defaultSubgraphCallPolicy, mergeReads = true }: SubgraphDataSourceOptions) {
    const timed = withTimeout(fetch);
    const measured = metrics ? timedFetch(name, timed, metrics) : timed;
    super({
      url,
      fetcher: (mergeReads ? mergingReads(name, measured, createSingleFlight(), metrics?.merged) : measured) as unknown as NonNullable<
        ConstructorParameters<typeof RemoteGraphQLDataSource>[0]
      >['fetcher'],
    });
    this.internalToken = internalToken;
    this.policy = policy;
    this.mergeReads = mergeReads;
    this.subgraph = name;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    // The subgraph operation of a fetch: the root mutation itself, or a query (e.g. `_entities`) under any operation.
    const mutation = /^\s*mutation\b/.test(options.request.query ?? '');
    const { queryTimeoutMs, mutationTimeoutMs, queryRetries, retryBackoffMs } = this.policy;
    const { variables } = options.request;
    const scope: FetchScope = mutation ? { timeoutMs: mutationTimeoutMs, mergeable: false } : { timeoutMs: queryTimeoutMs, mergeable: this.mergeReads };
    const cacheTags = 'cacheTags' in options.context ? (options.context as GatewayContext).cacheTags : undefined;
    if (cacheTags && !mutation) for (const tag of cacheTagsOfFetch(this.subgraph, variables)) cacheTags.add(tag);
    const send = () => fetchScope.run(scope, () => super.process(options));
    try {
      if (mutation) return await send();
      // A timed-out read is not retried: its budget is spent, and the subgraph is likely still busy with it.
      return await withRetry(
        send,
        { retries: queryRetries, backoffMs: retryBackoffMs },
        (error) => upstreamFailureOf(error) === 'unreachable' || error instanceof UnavailableAnswer,
      );
    } catch (error) {
      if (upstreamFailureOf(error) || error instanceof UnavailableAnswer) throw serviceUnavailable();
      throw error;
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const gatewayContext = 'caller' in context ? (context as GatewayContext) : undefined;
    const headers = callerHeadersOf(gatewayContext?.caller ?? null, this.internalToken, gatewayContext?.requestId);
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
    if (gatewayContext?.clientAddress) request.http?.headers.set(InternalHeader.ClientAddress, gatewayContext.clientAddress);
  }

  /**
   * Passes a subgraph's rate-limit refusal on as itself (the gateway answers 429 or 503), not as a failed fetch;
   * any other 5xx is the subgraph failing: SERVICE_UNAVAILABLE, with nothing of its answer.
   */
  override async errorFromResponse(response: FetchResponse): Promise<GraphQLError> {
    if (response.status !== 429 && response.status < 500) return super.errorFromResponse(response);
    // The body can be read once: a refusal passes on, anything else becomes SERVICE_UNAVAILABLE or Apollo's error.
    const body = await this.parseBody(response).catch(() => null);
    const refusal = refusalIn(body);
    if (refusal) return refusal;
    if (retriedStatuses.includes(response.status)) return new UnavailableAnswer();
    if (response.status >= 500) return serviceUnavailable();
    return new GraphQLError(`${response.status}: ${response.statusText}`, {
      extensions: { response: { url: response.url, status: response.status, statusText: response.statusText, body } },
    });
  }
}
