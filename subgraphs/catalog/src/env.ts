import { z } from 'zod';
import { assertProductionSecrets, commonEnv, databaseEnv, loadEnv, port } from '@rtc/service-kit';

// The only file of this service that reads process.env.

export function loadCatalogEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...databaseEnv,
      PORT: port(4002),
      // Orders' units sold rank BEST_SELLING listings; such a listing fails with SERVICE_UNAVAILABLE past the timeout.
      ORDERS_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4003/graphql'),
      ORDERS_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(2_000),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
