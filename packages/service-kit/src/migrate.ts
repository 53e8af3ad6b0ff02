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

/** A service's migrate step (a Job before each rollout): applies its migrations or exits non-zero. */
export async function runMigrationStep(service: string, url: string, migrationsFolder: string): Promise<void> {
  try {
    await runMigrations(url, migrationsFolder);
    console.log(`${service}: migrations applied`);
  } catch (error) {
    console.error(`${service}: migration failed`, error);
    process.exit(1);
  }
}
