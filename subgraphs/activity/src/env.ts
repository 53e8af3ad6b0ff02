import { z } from 'zod';
import { assertProductionSecrets, commonEnv, databaseEnv, loadEnv, port, storeEnv } from '@rtc/service-kit';

// The only file of this service that reads process.env.

export function loadActivityEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...databaseEnv,
      ...storeEnv,
      PORT: port(4005),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
        .default('USD'),
      // Raw behaviour events older than this are deleted (sessions and per-minute rollups stay).
      ACTIVITY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
      // How often the retention job looks for expired events; 0 turns it off.
      ACTIVITY_RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
      // The ingest buffer writes when it holds this many events, or this long after its first one arrived.
      ACTIVITY_FLUSH_EVENTS: z.coerce.number().int().min(1).max(10_000).default(1_000),
      ACTIVITY_FLUSH_INTERVAL_MS: z.coerce.number().int().min(1).max(5_000).default(250),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
