import { runMigrations } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { ordersMigrations } from './migrations';

const { DATABASE_URL } = loadMigrationEnv();

try {
  await runMigrations(DATABASE_URL, ordersMigrations);
  console.log('orders: migrations applied');
} catch (error) {
  console.error('orders: migration failed', error);
  process.exit(1);
}
