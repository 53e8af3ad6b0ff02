import { createPool } from 'mysql2/promise';
import { runMigrations, withDatabase } from '@rtc/service-kit';
import { activityMigrations } from '@rtc/activity';
import { catalogMigrations } from '@rtc/catalog';
import { inventoryMigrations } from '@rtc/inventory';
import { ordersMigrations } from '@rtc/orders';
import { usersMigrations } from '@rtc/users';
import type { SubgraphName } from '@rtc/gateway';
import { dropDatabaseUsers, serverUrlAs, type DatabaseAccounts } from './database-users';

/** Each subgraph's database: `<prefix><name>`, e.g. rtc_orders. */
export function databaseNames(prefix = 'rtc_'): Record<SubgraphName, string> {
  return { users: `${prefix}users`, catalog: `${prefix}catalog`, orders: `${prefix}orders`, inventory: `${prefix}inventory`, activity: `${prefix}activity` };
}

export const defaultDatabases = databaseNames();

export const migrationFolders: Record<SubgraphName, string> = {
  users: usersMigrations,
  catalog: catalogMigrations,
  orders: ordersMigrations,
  inventory: inventoryMigrations,
  activity: activityMigrations,
};

/** Applies every subgraph's committed migrations to its own database on `serverUrl`, as its migration account when given. */
export async function migrateAll(serverUrl: string, databases: Record<SubgraphName, string> = defaultDatabases, accounts?: DatabaseAccounts): Promise<void> {
  for (const [name, folder] of Object.entries(migrationFolders) as [SubgraphName, string][]) {
    const url = accounts ? serverUrlAs(serverUrl, accounts[name].migrator) : serverUrl;
    await runMigrations(withDatabase(url, databases[name]), folder);
  }
}

/** Drops a store's five databases and their accounts (tests and benchmarks clean up with it). */
export async function dropAll(serverUrl: string, databases: Record<SubgraphName, string>): Promise<void> {
  const pool = createPool({ uri: serverUrl, connectionLimit: 1 });
  try {
    for (const name of Object.values(databases)) await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await pool.end();
  }
  await dropDatabaseUsers(serverUrl, databases);
}
