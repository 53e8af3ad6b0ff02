import { drizzle } from 'drizzle-orm/mysql2';
import type { Pool } from '@rtc/service-kit';
import * as schema from './schema';

export function createOrdersDb(pool: Pool) {
  return drizzle(pool, { schema, mode: 'default' });
}

export type OrdersDb = ReturnType<typeof createOrdersDb>;
export type OrdersTx = Parameters<Parameters<OrdersDb['transaction']>[0]>[0];
