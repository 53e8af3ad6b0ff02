import { runMigrationStep } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { activityMigrations } from './migrations';

await runMigrationStep('activity', loadMigrationEnv().DATABASE_URL, activityMigrations);
