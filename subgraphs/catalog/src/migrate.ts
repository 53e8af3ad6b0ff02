import { runMigrationStep } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { catalogMigrations } from './migrations';

await runMigrationStep('catalog', loadMigrationEnv().DATABASE_URL, catalogMigrations);
