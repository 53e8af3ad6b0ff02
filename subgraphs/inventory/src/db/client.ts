import { drizzle } from 'drizzle-orm/mysql2';
import type { Pool } from '@rtc/service-kit';
import * as schema from './schema';

export function createInventoryDb(pool: Pool) {
  return drizzle(pool, { schema, mode: 'default' });
}

export type InventoryDb = ReturnType<typeof createInventoryDb>;

/** The transaction handle `db.transaction` passes to its callback. */
export type InventoryTx = Parameters<Parameters<InventoryDb['transaction']>[0]>[0];
