import { z } from 'zod';
import { assertProductionSecrets, commonEnv, databaseEnv, jwtEnv, loadEnv, port } from '@rtc/service-kit';

// The only file of this service that reads process.env.

export function loadUsersEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...databaseEnv,
      ...jwtEnv,
      PORT: port(4001),
      TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
      REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(300).max(90 * 86_400).default(30 * 86_400),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
