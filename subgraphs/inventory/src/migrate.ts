import { runMigrations } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { inventoryMigrations } from './migrations';

const { DATABASE_URL } = loadMigrationEnv();

try {
  await runMigrations(DATABASE_URL, inventoryMigrations);
  console.log('inventory: migrations applied');
} catch (error) {
  console.error('inventory: migration failed', error);
  process.exit(1);
}
