import cluster from 'node:cluster';
import { createEventBus, createLogger, createServiceMetrics, drainHttp, registerShutdown, startTracing, withClusterExposition } from '@rtc/service-kit';
import { gatewayWorkersOf, loadGatewayEnv, rateLimitsOf, responseCacheOf, subgraphCallsOf } from './env';
import { createGateway } from './gateway';
import { runGatewayCluster } from './gateway-cluster';

const env = loadGatewayEnv();
const workers = gatewayWorkersOf(env);
const logger = createLogger({ service: 'gateway', level: env.LOG_LEVEL });

if (workers > 1 && cluster.isPrimary) {
  runGatewayCluster({ workers, logger, graceMs: env.SHUTDOWN_GRACE_SECONDS * 1000 });
} else {
  await serveGateway();
}

async function serveGateway(): Promise<void> {
  const serviceMetrics = createServiceMetrics('gateway');
  const metrics = cluster.isWorker ? withClusterExposition(serviceMetrics) : serviceMetrics;
  if (cluster.isWorker) {
    // A signal sent to the whole process group reaches a worker twice (directly and passed on by the primary): the
    // second must not kill it halfway through draining.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => undefined);
  }
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
      responseCache: responseCacheOf(env),
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
}
