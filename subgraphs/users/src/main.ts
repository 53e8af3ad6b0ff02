import { serveSubgraph } from '@rtc/service-kit';
import { abuseConfigOf, loadUsersEnv } from './env';
import { createUsersSubgraph } from './subgraph';

const env = loadUsersEnv();

await serveSubgraph({
  name: 'users',
  port: env.PORT,
  logLevel: env.LOG_LEVEL,
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  eventLogMaxLength: env.EVENT_LOG_MAX_LENGTH,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  traceServiceName: env.OTEL_SERVICE_NAME,
  shutdown: { graceSeconds: env.SHUTDOWN_GRACE_SECONDS, delaySeconds: env.SHUTDOWN_DELAY_SECONDS },
  build: (deps) =>
    createUsersSubgraph(
      {
        production: env.NODE_ENV === 'production',
        internalToken: env.INTERNAL_TOKEN,
        jwtSecret: env.JWT_SECRET,
        tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
        abuse: abuseConfigOf(env),
        refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
        passwordResetTtlSeconds: env.PASSWORD_RESET_TTL_SECONDS,
      },
      deps,
    ),
});
