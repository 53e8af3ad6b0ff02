import { serveSubgraph } from '@rtc/service-kit';
import { loadActivityEnv } from './env';
import { createActivitySubgraph } from './subgraph';

const env = loadActivityEnv();

await serveSubgraph({
  name: 'activity',
  port: env.PORT,
  logLevel: env.LOG_LEVEL,
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  eventLogMaxLength: env.EVENT_LOG_MAX_LENGTH,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  traceServiceName: env.OTEL_SERVICE_NAME,
  shutdown: { graceSeconds: env.SHUTDOWN_GRACE_SECONDS, delaySeconds: env.SHUTDOWN_DELAY_SECONDS },
  build: (deps) =>
    createActivitySubgraph(
      {
        production: env.NODE_ENV === 'production',
        internalToken: env.INTERNAL_TOKEN,
        storeTimeZone: env.STORE_TIMEZONE,
        storeCurrency: env.STORE_CURRENCY,
        retentionDays: env.ACTIVITY_RETENTION_DAYS,
        retentionIntervalMs: env.ACTIVITY_RETENTION_INTERVAL_MS,
        flushEvents: env.ACTIVITY_FLUSH_EVENTS,
        flushIntervalMs: env.ACTIVITY_FLUSH_INTERVAL_MS,
      },
      deps,
    ),
});
