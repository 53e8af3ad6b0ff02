import { drizzle } from 'drizzle-orm/mysql2';
import type { Pool } from '@rtc/service-kit';
import * as schema from './schema';

export function createActivityDb(pool: Pool) {
  return drizzle(pool, { schema, mode: 'default' });
}

export type ActivityDb = ReturnType<typeof createActivityDb>;

/** The transaction handle `db.transaction` passes to its callback. */
export type ActivityTx = Parameters<Parameters<ActivityDb['transaction']>[0]>[0];
