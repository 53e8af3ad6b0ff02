import { migrateAll } from './databases';
import { loadStackEnv } from './env';

const env = loadStackEnv();
try {
  await migrateAll(env.DATABASE_URL);
  console.log('migrations applied to rtc_users, rtc_catalog, rtc_orders, rtc_inventory');
} catch (error) {
  console.error('migration failed:', error);
  process.exit(1);
}
