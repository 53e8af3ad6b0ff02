import { runMigrations } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { usersMigrations } from './migrations';

const { DATABASE_URL } = loadMigrationEnv();

try {
  await runMigrations(DATABASE_URL, usersMigrations);
  console.log('users: migrations applied');
} catch (error) {
  console.error('users: migration failed', error);
  process.exit(1);
}
