import { z } from 'zod';
import { assertProductionSecrets, commonEnv, databaseEnv, loadEnv, port } from '@rtc/service-kit';

// The only file of this service that reads process.env.

export function loadInventoryEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...databaseEnv,
      PORT: port(4004),
      RESERVATION_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
      RESERVATION_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
