import { runMigrationStep } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { usersMigrations } from './migrations';

await runMigrationStep('users', loadMigrationEnv().DATABASE_URL, usersMigrations);
