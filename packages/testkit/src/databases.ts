import { randomBytes } from 'node:crypto';
import { createPool } from 'mysql2/promise';
import { runMigrations, withDatabase } from '@rtc/service-kit';

/** The MySQL/MariaDB server tests use: DATABASE_URL without a database, or the local default. */
export function testServerUrl(): string {
  const given = process.env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306';
  const url = new URL(given);
  url.pathname = '/';
  return url.toString();
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test run; drop() removes it. */
export async function createTestDatabase(service: string, migrationsFolder: string): Promise<TestDatabase> {
  const name = `rtc_test_${service}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(testServerUrl(), name);
  await runMigrations(url, migrationsFolder);
  return {
    url,
    name,
    async drop() {
      const pool = createPool({ uri: testServerUrl(), connectionLimit: 1 });
      try {
        await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await pool.end();
      }
    },
  };
}

/** Runs one SQL statement against a test database and returns its rows. */
export async function queryRows<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = createPool({ uri: url, connectionLimit: 1, decimalNumbers: true, supportBigNumbers: true });
  try {
    const [rows] = await pool.query(sql, params);
    return rows as T[];
  } finally {
    await pool.end();
  }
}
