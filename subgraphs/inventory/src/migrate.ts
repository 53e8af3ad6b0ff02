import { runMigrationStep } from '@rtc/service-kit';
import { loadMigrationEnv } from './env';
import { inventoryMigrations } from './migrations';

await runMigrationStep('inventory', loadMigrationEnv().DATABASE_URL, inventoryMigrations);
