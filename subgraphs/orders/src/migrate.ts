import { runMigrationStep } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { ordersMigrations } from './migrations';

await runMigrationStep('orders', loadMigrationEnv().DATABASE_URL, ordersMigrations);
