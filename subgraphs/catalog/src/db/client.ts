import { drizzle } from 'drizzle-orm/mysql2';
import type { Pool } from '@rtc/service-kit';
import * as schema from './schema';

export function createCatalogDb(pool: Pool) {
  return drizzle(pool, { schema, mode: 'default' });
}

export type CatalogDb = ReturnType<typeof createCatalogDb>;
