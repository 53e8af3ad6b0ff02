import { drizzle } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import { createMysqlPool, ensureDatabase } from './mysql';

/** Applies the committed drizzle-kit migrations in `migrationsFolder` to the database of `url`, creating it when missing. */
export async function runMigrations(url: string, migrationsFolder: string): Promise<void> {
  await ensureDatabase(url);
  const pool = createMysqlPool({ url, connectionLimit: 1 });
  try {
    await migrate(drizzle(pool), { migrationsFolder });
  } finally {
    await pool.end();
  }
}
