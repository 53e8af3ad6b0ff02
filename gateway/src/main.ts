import { createEventBus, createLogger, createServiceMetrics, drainHttp, registerShutdown, startTracing } from '@rtc/service-kit';
import { loadGatewayEnv, rateLimitsOf, subgraphCallsOf } from './env';
import { createGateway } from './gateway';

const env = loadGatewayEnv();
const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });
const metrics = createServiceMetrics('gateway');
const bus = createEventBus({ redisUrl: env.REDIS_URL, logger });
const tracing = startTracing({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME ?? 'gateway', global: true });

const gateway = await createGateway(
  {
    production: env.NODE_ENV === 'production',
    internalToken: env.INTERNAL_TOKEN,
    jwtSecret: env.JWT_SECRET,
    subgraphUrls: { users: env.USERS_URL, catalog: env.CATALOG_URL, orders: env.ORDERS_URL, inventory: env.INVENTORY_URL, activity: env.ACTIVITY_URL },
    limits: {
      maxDepth: env.MAX_QUERY_DEPTH,
      maxCost: env.MAX_QUERY_COST,
      maxAliases: env.MAX_QUERY_ALIASES,
      maxRootFields: env.MAX_ROOT_FIELDS,
      maxDirectives: env.MAX_QUERY_DIRECTIVES,
      maxTokens: env.MAX_QUERY_TOKENS,
      maxSubscriptionsPerSocket: env.MAX_SUBSCRIPTIONS_PER_SOCKET,
    },
    bodyLimitBytes: env.MAX_BODY_BYTES,
    storeCurrency: env.STORE_CURRENCY,
    metricsEnabled: env.METRICS_ENABLED,
    trustedDocuments: env.TRUSTED_DOCUMENTS,
    rateLimits: rateLimitsOf(env),
    trustedProxies: env.TRUST_PROXY,
    accountRecheckMs: env.ACCOUNT_RECHECK_SECONDS * 1000,
    subgraphCalls: subgraphCallsOf(env),
    mergeSubgraphReads: env.SUBGRAPH_MERGE_READS,
    subgraphChecks: { intervalMs: env.SUBGRAPH_CHECK_INTERVAL_MS, timeoutMs: env.SUBGRAPH_CHECK_TIMEOUT_MS },
    socketKeepAlive: { pingIntervalMs: env.WS_PING_INTERVAL_SECONDS * 1000, maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES },
  },
  { logger, metrics, bus, tracer: tracing?.tracer },
);
const url = await gateway.http.listen(env.PORT);
logger.info({ graphql: `${url}/graphql`, dashboard: `${url}/dashboard`, metrics: `${url}/metrics` }, 'gateway listening');

registerShutdown({
  logger,
  graceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
  onShutdown: async ({ signal, deadline }) => {
    // The HTTP server cannot finish closing while upgraded connections are open: the sockets close beside it, with 1001.
    await drainHttp({ http: gateway.http, logger, signal, deadline, delayMs: env.SHUTDOWN_DELAY_SECONDS * 1000, alongsideClose: gateway.closeSockets });
    await gateway.stop();
    await bus.close();
    await tracing?.shutdown();
  },
});
