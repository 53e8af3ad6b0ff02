import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool } from 'mysql2/promise';
import { z } from 'zod';
import { connectionOptionsOf } from '@rtc/service-kit';
import type { SubgraphName } from '@rtc/gateway';

/** A MySQL account: user name and password. */
export interface DatabaseAccount {
  readonly user: string;
  readonly password: string;
}

/** Each subgraph's two accounts: the service's (rows only) and its migrations' (tables too), both on its database alone. */
export type DatabaseAccounts = Record<SubgraphName, { readonly service: DatabaseAccount; readonly migrator: DatabaseAccount }>;

/** What a running service may do: read and write rows, never change or drop a table. */
export const servicePrivileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
/** What migrations may do on the same database: create, alter and index tables, as drizzle-kit's SQL does. */
export const migratorPrivileges = [...servicePrivileges, 'CREATE', 'ALTER', 'DROP', 'INDEX', 'REFERENCES', 'LOCK TABLES'] as const;

/** The account names: the database's own name for its service, `<database>_migrator` for its migrations. */
export function databaseUserNames(databases: Record<SubgraphName, string>): Record<SubgraphName, { service: string; migrator: string }> {
  return Object.fromEntries(Object.entries(databases).map(([name, database]) => [name, { service: database, migrator: `${database}_migrator` }])) as Record<
    SubgraphName,
    { service: string; migrator: string }
  >;
}

const newPassword = () => randomBytes(24).toString('base64url');

/** Accounts with fresh random passwords, e.g. for a test store. */
export function randomDatabaseAccounts(databases: Record<SubgraphName, string>): DatabaseAccounts {
  const names = databaseUserNames(databases);
  return Object.fromEntries(
    Object.entries(names).map(([name, { service, migrator }]) => [
      name,
      { service: { user: service, password: newPassword() }, migrator: { user: migrator, password: newPassword() } },
    ]),
  ) as DatabaseAccounts;
}

const passwordFile = z.record(z.string(), z.string().min(16));

/**
 * The local store's accounts, their passwords random and kept in `<stateDir>/database-passwords.json` (readable by
 * its owner alone), so that every `npm start` uses the same ones; a missing file simply means new passwords.
 */
export function localDatabaseAccounts(databases: Record<SubgraphName, string>, stateDir: string): DatabaseAccounts {
  const file = join(stateDir, 'database-passwords.json');
  const known = existsSync(file) ? passwordFile.parse(JSON.parse(readFileSync(file, 'utf8'))) : {};
  const passwordOf = (user: string) => (known[user] ??= newPassword());
  const accounts = Object.fromEntries(
    Object.entries(databaseUserNames(databases)).map(([name, { service, migrator }]) => [
      name,
      { service: { user: service, password: passwordOf(service) }, migrator: { user: migrator, password: passwordOf(migrator) } },
    ]),
  ) as DatabaseAccounts;
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(known, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return accounts;
}

/** `serverUrl` with `account`'s credentials in place of its own. */
export function serverUrlAs(serverUrl: string, account: DatabaseAccount): string {
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(account.user);
  url.password = encodeURIComponent(account.password);
  return url.toString();
}

const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Creates each subgraph's database and its two accounts as the administrator of `adminUrl`, granting each account
 * rights on its own database alone. Idempotent: a second run sets the passwords again and changes nothing else.
 */
export async function createDatabaseUsers(adminUrl: string, databases: Record<SubgraphName, string>, accounts: DatabaseAccounts): Promise<void> {
  const pool = createPool({ ...connectionOptionsOf(adminUrl), connectionLimit: 1 });
  try {
    for (const [name, database] of Object.entries(databases) as [SubgraphName, string][]) {
      await pool.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const { service, migrator } = accounts[name];
      for (const [account, privileges] of [
        [service, servicePrivileges],
        [migrator, migratorPrivileges],
      ] as const) {
        const user = `${quoted(account.user)}@'%'`;
        await pool.query(`CREATE USER IF NOT EXISTS ${user} IDENTIFIED BY ${quoted(account.password)}`);
        await pool.query(`ALTER USER ${user} IDENTIFIED BY ${quoted(account.password)}`);
        // Exactly these rights, even where an earlier setup granted more.
        await pool.query(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${user}`);
        await pool.query(`GRANT ${privileges.join(', ')} ON \`${database}\`.* TO ${user}`);
      }
    }
  } finally {
    await pool.end();
  }
}

/** Drops the accounts of a store's databases, where they exist (dropAll calls it). */
export async function dropDatabaseUsers(adminUrl: string, databases: Record<SubgraphName, string>): Promise<void> {
  const pool = createPool({ ...connectionOptionsOf(adminUrl), connectionLimit: 1 });
  try {
    for (const { service, migrator } of Object.values(databaseUserNames(databases))) {
      for (const user of [service, migrator]) await pool.query(`DROP USER IF EXISTS ${quoted(user)}@'%'`);
    }
  } catch (error) {
    // A user who may not drop accounts could not have created these: there is nothing of ours to drop.
    if ((error as { code?: string }).code !== 'ER_SPECIFIC_ACCESS_DENIED_ERROR') throw error;
  } finally {
    await pool.end();
  }
}
