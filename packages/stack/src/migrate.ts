import { databaseNames, migrateAll } from './databases';
import { loadStackEnv } from './env';

const env = loadStackEnv();
try {
  const databases = databaseNames(env.RTC_DATABASE_PREFIX);
  await migrateAll(env.DATABASE_URL, databases);
  console.log(`migrations applied to ${Object.values(databases).join(', ')}`);
} catch (error) {
  console.error('migration failed:', error);
  process.exit(1);
}
