import { assertProductionSecrets, commonEnv, databaseEnv, loadEnv, port } from '@rtc/service-kit';

// The only file of this service that reads process.env.

export function loadCatalogEnv() {
  const env = loadEnv({ ...commonEnv, ...databaseEnv, PORT: port(4002) }, process.env);
  assertProductionSecrets(env);
  return env;
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
