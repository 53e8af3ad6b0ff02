import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { stringify } from 'safe-stable-stringify';
import {
  createApolloHandler,
  createErrorLoggingPlugin,
  createGraphQLClient,
  createPooledFetch,
  notFound,
  quietError,
  type Caller,
  createMetricsPlugin,
  createRateLimitStore,
  createServiceServer,
  createRedisTaggedCache,
  createRequestRecorder,
  type EventBus,
  type Logger,
  type RouteHandler,
  type ServiceMetrics,
  type Tracer,
} from '@rtc/service-kit';
import { createAccountStandings } from './account-standings';
import { createAuthenticator } from './authenticate';
import { createDashboardRoute } from './dashboard-route';
import type { GatewayContext } from './context';
import { createOperationLimitsPlugin, keepLimitCode, limitedParseOptions, limitValidationRules, type OperationLimits } from './limits/operation-limits';
import { createApiRateLimits, defaultApiRateLimits, type ApiRateLimitsConfig } from './rate-limits/api-rate-limits';
import { clientAddressOf } from './rate-limits/client-address';
import { createRefusalStatusPlugin } from './rate-limits/refusal-status-plugin';
import { createSocketAdmission } from './rate-limits/socket-admission';
import { createSubgraphFetchMetrics, defaultSubgraphCallPolicy, SubgraphDataSource, type SubgraphCallPolicy } from './subgraph-data-source';
import { createUnavailableStatusPlugin } from './unavailable-status-plugin';
import { createResponseCache, evictOnEvents } from './response-cache/response-cache';
import { readManifests } from './trusted-document-files';
import { createTrustedDocuments, type TrustedDocumentsMode } from './trusted-documents/trusted-documents';
import { createLiveHub } from './subscriptions/live-hub';
import { createSalesWindow } from '@rtc/orders/live-sales';
import { attachSubscriptionServer } from './subscriptions/subscription-server';
import { parseInputScalarsAsSubgraphs } from './input-scalars';
import { optionalSubgraphs, readSupergraph, type SubgraphName } from './supergraph';
import { watchSubgraphReadiness } from './subgraph-readiness';

export interface GatewayConfig {
  readonly production: boolean;
  readonly internalToken: string;
  readonly jwtSecret: string;
  readonly subgraphUrls: Record<SubgraphName, string>;
  readonly limits: OperationLimits;
  readonly bodyLimitBytes: number;
  /** ISO 4217 code of the store's prices; live sales statistics are kept in it. */
  readonly storeCurrency: string;
  /** Request and subgraph-fetch metrics; off only to measure what they cost. */
  readonly metricsEnabled?: boolean;
  /** Whether only the committed trusted documents may run; safelist in production unless said otherwise. */
  readonly trustedDocuments?: TrustedDocumentsMode;
  /** Request and socket limits per address and per user; absent, the production defaults counted in memory. */
  readonly rateLimits?: GatewayRateLimits;
  /** Proxies in front of the gateway (1 behind the ALB) whose `X-Forwarded-For` entries are believed; 0 or absent: none. */
  readonly trustedProxies?: number;
  /**
   * How long an account's standing (token version, role, disabled) is trusted before it is read again, and how often
   * open sockets are re-checked: a revoked token or disabled account loses access within this time. Default 5 s.
   */
  readonly accountRecheckMs?: number;
  /** Timeouts and read retries of subgraph fetches; absent, defaultSubgraphCallPolicy. */
  readonly subgraphCalls?: SubgraphCallPolicy;
  /** Identical subgraph reads in flight at the same moment, for the same caller scope, share one call. Default true. */
  readonly mergeSubgraphReads?: boolean;
  /** The cache of anonymous public reads (see gateway/README.md); absent, nothing is cached. */
  readonly responseCache?: ResponseCacheConfig;
  /** How often each subgraph's `/healthz` is checked for `/readyz`, and how long a check may take. Default 2 s and 1 s. */
  readonly subgraphChecks?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** graphql-ws keep-alive: ping interval, and the unsent bytes a socket may hold before it is closed. Default 12 s and 4 MiB. */
  readonly socketKeepAlive?: { readonly pingIntervalMs: number; readonly maxBufferedBytes: number };
}

export interface ResponseCacheConfig {
  readonly maxEntries: number;
  readonly maxTtlSeconds: number;
  /** Entries shared by every replica in this Redis (each process also keeps its hot ones in memory); absent, each process keeps its own. */
  readonly redisUrl?: string | undefined;
  readonly keyPrefix?: string;
}

export const defaultSocketKeepAlive = { pingIntervalMs: 12_000, maxBufferedBytes: 4 * 1024 * 1024 };
export const defaultSubgraphChecks = { intervalMs: 2_000, timeoutMs: 1_000 };

export interface GatewayRateLimits extends ApiRateLimitsConfig {
  /** Counters shared by every gateway replica; without it each process counts alone. */
  readonly redisUrl?: string | undefined;
  readonly keyPrefix?: string;
}

export interface GatewayDeps {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly bus: EventBus;
  /** Present when tracing is on: requests, subgraph fetches and the live path become spans. */
  readonly tracer?: Tracer | undefined;
  /** Extra HTTP routes, e.g. the dashboard page. */
  readonly routes?: Record<string, RouteHandler>;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Builds the gateway without listening: the committed supergraph, keep-alive subgraph fetches, JWT verification. */
export async function createGateway(config: GatewayConfig, { logger, metrics, bus, tracer, routes = {} }: GatewayDeps) {
  const metricsEnabled = config.metricsEnabled ?? true;
  const fetchMetrics = metricsEnabled ? createSubgraphFetchMetrics(metrics) : undefined;
  const subgraphFetch = createPooledFetch({ tracer });
  const requestMetrics = metricsEnabled ? createRequestRecorder(metrics) : undefined;
  const supergraphSdl = readSupergraph();
  const trustedDocumentsMode = config.trustedDocuments ?? (config.production ? 'safelist' : 'open');
  const responseCache = config.responseCache
    ? createResponseCache({
        shared: config.responseCache.redisUrl
          ? createRedisTaggedCache({
              redisUrl: config.responseCache.redisUrl,
              keyPrefix: config.responseCache.keyPrefix ?? 'rtc:gateway:responses',
              maxTtlMs: config.responseCache.maxTtlSeconds * 1000,
              logger: logger.child({ component: 'response-cache' }),
            })
          : undefined,
        maxEntries: config.responseCache.maxEntries,
        maxTtlMs: config.responseCache.maxTtlSeconds * 1000,
        // A hit skips validation: an answer made against another supergraph (a replica of another release) or other
        // limits must never be served here.
        keyScope:
          stringify({
            supergraph: createHash('sha256').update(supergraphSdl).digest('base64url'),
            limits: config.limits,
            trustedDocuments: trustedDocumentsMode,
            production: config.production,
          }) ?? '',
        metrics: metricsEnabled ? metrics : undefined,
        requests: requestMetrics,
        logger: logger.child({ component: 'response-cache' }),
      })
    : undefined;
  const stopEvicting = responseCache ? evictOnEvents(responseCache, bus) : () => undefined;
  const trustedDocuments = createTrustedDocuments(trustedDocumentsMode, readManifests().values());
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name as SubgraphName],
        internalToken: config.internalToken,
        fetch: subgraphFetch,
        metrics: fetchMetrics,
        policy: config.subgraphCalls ?? defaultSubgraphCallPolicy,
        mergeReads: config.mergeSubgraphReads ?? true,
      }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !config.production,
    includeStacktraceInErrorResponses: !config.production,
    // No "Did you mean …" field suggestions: they would map the schema for someone without introspection.
    hideSchemaDetailsFromClientErrors: config.production,
    parseOptions: limitedParseOptions(config.limits),
    validationRules: limitValidationRules(config.limits),
    formatError: config.production ? (formatted, error) => quietError(keepLimitCode(formatted, error)) : keepLimitCode,
    // registerShutdown owns SIGTERM: it closes the HTTP server first, then Apollo.
    stopOnTerminationSignals: false,
    // RTC sets no cache hints: without the cache-control plugin, no hook runs per resolved field.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      trustedDocuments.plugin,
      createOperationLimitsPlugin(config.limits),
      createRefusalStatusPlugin(),
      createUnavailableStatusPlugin(),
      ...(responseCache ? [responseCache.plugin] : []),
      ...(requestMetrics ? [createMetricsPlugin(metrics, requestMetrics)] : []),
      ...(config.production ? [createErrorLoggingPlugin<GatewayContext>(logger.child({ component: 'errors' }))] : []),
    ],
    logger,
  });
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => {
    parseInputScalarsAsSubgraphs(loaded);
    apiSchema = loaded;
  });
  await apollo.start();
  const schema = () => {
    if (!apiSchema) throw new Error('the supergraph is not loaded');
    return apiSchema;
  };

  /** Runs an operation through the gateway's own pipeline (query planning, subgraph fetches) as `caller`. */
  const runAs = async (caller: Caller, query: string, variables: Record<string, unknown>): Promise<ExecutionResult> => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: { caller, requestId: randomUUID() } });
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by live updates');
    const { data, errors } = response.body.singleResult;
    return {
      data: data ?? null,
      // The path tells a merged live query's errors apart (merged-entity-query.ts).
      ...(errors ? { errors: errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions ?? {}, ...(e.path ? { path: e.path } : {}) })) } : {}),
    };
  };

  const rateLimits = config.rateLimits ?? defaultApiRateLimits;
  const limitStore = createRateLimitStore({
    redisUrl: config.rateLimits?.redisUrl,
    keyPrefix: config.rateLimits?.keyPrefix ?? 'rtc:gateway',
    logger: logger.child({ component: 'rate-limits' }),
    metrics,
  });
  const apiLimits = createApiRateLimits(limitStore, rateLimits);
  const addressOf = (req: IncomingMessage) => clientAddressOf(req, config.trustedProxies ?? 0);
  const accountRecheckMs = config.accountRecheckMs ?? 5_000;
  const authenticator = createAuthenticator({
    jwtSecret: config.jwtSecret,
    standings: createAccountStandings({
      users: createGraphQLClient({ url: config.subgraphUrls.users, internalToken: config.internalToken, fetch: subgraphFetch }),
      ttlMs: accountRecheckMs,
    }),
  });
  const graphql = createApolloHandler<GatewayContext>({
    server: apollo,
    bodyLimitBytes: config.bodyLimitBytes,
    prepareBody: trustedDocuments.prepareBody,
    ...(responseCache ? { answerEarly: responseCache.answerEarly } : {}),
    context: async (req, requestId) => {
      const caller = await authenticator.callerOf(headerOf(req, 'authorization'));
      if (caller) await apiLimits.admitUser(caller.userId);
      if (!responseCache || caller) return { caller, clientAddress: addressOf(req), requestId };
      const responseCacheKey = responseCache.keyLookedUpFor(req);
      return { caller, clientAddress: addressOf(req), requestId, cacheTags: new Set<string>(), ...(responseCacheKey ? { responseCacheKey } : {}) };
    },
  });
  const subgraphReadiness = watchSubgraphReadiness({
    urls: config.subgraphUrls,
    optional: optionalSubgraphs,
    ...(config.subgraphChecks ?? defaultSubgraphChecks),
    metrics,
    logger: logger.child({ component: 'subgraph-readiness' }),
  });
  const http = createServiceServer({
    logger,
    metrics,
    tracer,
    ready: async () => subgraphReadiness.ready(),
    routes: { '/graphql': apiLimits.limitByAddress(graphql, addressOf), ...createDashboardRoute(), ...routes },
  });

  const hub = createLiveHub({
    schema,
    resolve: runAs,
    bus,
    salesWindow: createSalesWindow(),
    storeCurrency: config.storeCurrency,
    metrics,
    tracer,
    logger: logger.child({ component: 'live-hub' }),
  });
  const subscriptions = attachSubscriptionServer({
    server: http.server,
    path: '/graphql',
    schema,
    limits: config.limits,
    production: config.production,
    authenticator,
    recheckMs: accountRecheckMs,
    hub,
    trustedDocuments,
    checkOrderAccess: async (caller, orderId) => {
      const result = await runAs(caller, 'query LiveOrderAccess($id: ID!) { order(id: $id) { id } }', { id: orderId });
      const [denied] = result.errors ?? [];
      if (denied) return denied;
      return (result.data as { order: unknown } | null)?.order ? null : notFound(`order ${orderId}`);
    },
    metrics,
    logger: logger.child({ component: 'subscriptions' }),
    admission: { sockets: createSocketAdmission(limitStore, rateLimits), addressOf },
    keepAlive: config.socketKeepAlive ?? defaultSocketKeepAlive,
    draining: () => http.draining,
  });

  logger.info({ mode: trustedDocuments.mode, documents: trustedDocuments.size }, 'trusted documents loaded');
  return {
    apollo,
    http,
    hub,
    runAs,
    /** Closes every graphql-ws socket with 1001 Going Away; part of a graceful stop, before HTTP requests are waited for. */
    closeSockets: () => subscriptions.close(),
    async stop() {
      subgraphReadiness.stop();
      await subscriptions.close();
      await hub.stop();
      await apollo.stop();
      await subgraphFetch.close();
      await limitStore.close();
      stopEvicting();
      await responseCache?.close();
    },
  };
}

export type Gateway = Awaited<ReturnType<typeof createGateway>>;
