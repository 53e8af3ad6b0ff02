import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { callerHeadersOf, Counter, ErrorCode, InternalHeader, Histogram, type PooledFetch, type ServiceMetrics } from '@rtc/service-kit';
import type { GatewayContext } from './context';

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
  };
}

function timedFetch(subgraph: string, fetch: PooledFetch, metrics: SubgraphFetchMetrics): PooledFetch {
  return async (input, init) => {
    const end = metrics.duration.startTimer({ subgraph });
    try {
      const response = await fetch(input, init);
      if (!response.ok) metrics.errors.inc({ subgraph });
      return response;
    } catch (error) {
      metrics.errors.inc({ subgraph });
      throw error;
    } finally {
      end();
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
}

/**
 * Sends each fetch of a query plan to one subgraph over pooled keep-alive connections,
 * carrying the internal token, the verified caller and the request id.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly internalToken: string;

  constructor({ name, url, internalToken, fetch, metrics }: SubgraphDataSourceOptions) {
    super({
      url,
      fetcher: (metrics ? timedFetch(name, fetch, metrics) : fetch) as unknown as NonNullable<
        ConstructorParameters<typeof RemoteGraphQLDataSource>[0]
      >['fetcher'],
    });
    this.internalToken = internalToken;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const gatewayContext = 'caller' in context ? (context as GatewayContext) : undefined;
    const headers = callerHeadersOf(gatewayContext?.caller ?? null, this.internalToken, gatewayContext?.requestId);
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
    if (gatewayContext?.clientAddress) request.http?.headers.set(InternalHeader.ClientAddress, gatewayContext.clientAddress);
  }

  /** Passes a subgraph's rate-limit refusal on as itself (the gateway answers 429 or 503), not as a failed fetch. */
  override async errorFromResponse(response: FetchResponse): Promise<GraphQLError> {
    if (response.status !== 429 && response.status !== 503) return super.errorFromResponse(response);
    // The body can be read once: a refusal passes on, anything else becomes the error Apollo would have made.
    const body = await this.parseBody(response).catch(() => null);
    return (
      refusalIn(body) ??
      new GraphQLError(`${response.status}: ${response.statusText}`, {
        extensions: { response: { url: response.url, status: response.status, statusText: response.statusText, body } },
      })
    );
  }
}
