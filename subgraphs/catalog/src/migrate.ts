import { runMigrations } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { catalogMigrations } from './migrations';

const { DATABASE_URL } = loadMigrationEnv();

try {
  await runMigrations(DATABASE_URL, catalogMigrations);
  console.log('catalog: migrations applied');
} catch (error) {
  console.error('catalog: migration failed', error);
  process.exit(1);
}
