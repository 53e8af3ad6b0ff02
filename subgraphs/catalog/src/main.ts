import { serveSubgraph } from '@rtc/service-kit';
import { loadCatalogEnv } from './env';
import { createCatalogSubgraph } from './subgraph';

const env = loadCatalogEnv();

await serveSubgraph({
  name: 'catalog',
  port: env.PORT,
  logLevel: env.LOG_LEVEL,
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  eventLogMaxLength: env.EVENT_LOG_MAX_LENGTH,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  traceServiceName: env.OTEL_SERVICE_NAME,
  shutdown: { graceSeconds: env.SHUTDOWN_GRACE_SECONDS, delaySeconds: env.SHUTDOWN_DELAY_SECONDS },
  build: (deps) =>
    createCatalogSubgraph(
      { production: env.NODE_ENV === 'production', internalToken: env.INTERNAL_TOKEN, ordersUrl: env.ORDERS_URL, ordersTimeoutMs: env.ORDERS_TIMEOUT_MS },
      deps,
    ),
});
