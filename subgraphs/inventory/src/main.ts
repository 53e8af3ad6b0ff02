import { serveSubgraph } from '@rtc/service-kit';
import { loadInventoryEnv } from './env';
import { createInventorySubgraph } from './subgraph';

const env = loadInventoryEnv();

await serveSubgraph({
  name: 'inventory',
  port: env.PORT,
  logLevel: env.LOG_LEVEL,
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  eventLogMaxLength: env.EVENT_LOG_MAX_LENGTH,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  traceServiceName: env.OTEL_SERVICE_NAME,
  shutdown: { graceSeconds: env.SHUTDOWN_GRACE_SECONDS, delaySeconds: env.SHUTDOWN_DELAY_SECONDS },
  build: (deps) =>
    createInventorySubgraph(
      {
        production: env.NODE_ENV === 'production',
        internalToken: env.INTERNAL_TOKEN,
        reservationTtlSeconds: env.RESERVATION_TTL_SECONDS,
        expiryIntervalMs: env.RESERVATION_EXPIRY_INTERVAL_MS,
      },
      deps,
    ),
});
