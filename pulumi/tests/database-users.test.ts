import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapScript } from '../components/database-users.js';

const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the job's script with /bin/sh against a stand-in `mysql` that records how it was called. */
function runScript(files: Record<string, string>): { calls: string[][]; stdout: string } {
  const workDir = mkdtempSync(path.join(tmpdir(), 'rtc-db-bootstrap-'));
  workDirs.push(workDir);
  const mount = path.join(workDir, 'secrets');
  const bin = path.join(workDir, 'bin');
  const log = path.join(workDir, 'mysql-calls.json');
  mkdirSync(mount, { recursive: true });
  mkdirSync(bin, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(mount, file), content);
  writeFileSync(log, '');
  writeFileSync(
    path.join(bin, 'mysql'),
    `#!/usr/bin/env node\nrequire("node:fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify([process.env.MYSQL_PWD, ...process.argv.slice(2)]) + "\\n");\n`,
  );
  chmodSync(path.join(bin, 'mysql'), 0o755);
  const script = bootstrapScript(
    [
      { service: 'users', database: 'rtc_users', migrationUsername: 'users_migrator' },
      { service: 'orders', database: 'rtc_orders', migrationUsername: 'orders_migrator' },
    ],
    mount,
  );
  const stdout = execFileSync('/bin/sh', ['-c', script], {
    env: { PATH: `${bin}:${process.env.PATH}`, DATABASE_HOST: 'db.internal' },
    encoding: 'utf8',
  });
  const calls = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);
  return { calls, stdout };
}

const connection = ['MasterPass1', '--host=db.internal', '--user=rtc_admin', '--ssl-mode=VERIFY_IDENTITY', '--ssl-ca=/etc/ssl/rds/global-bundle.pem'];
const account = (user: string, password: string, database: string, privileges: string) =>
  `--execute=CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}' REQUIRE SSL; ALTER USER '${user}'@'%' IDENTIFIED BY '${password}' REQUIRE SSL;` +
  ` REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${user}'@'%'; GRANT ${privileges} ON \`${database}\`.* TO '${user}'@'%';`;
const rows = 'SELECT, INSERT, UPDATE, DELETE';
const tables = 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, LOCK TABLES';

describe('the database users job', () => {
  it("creates each service's database, a TLS-only user with rights on its rows and a migration user with rights on its tables, as the master user", () => {
    const { calls, stdout } = runScript({
      'master-username': 'rtc_admin',
      'master-password': 'MasterPass1',
      'users-password': 'UsersPass1',
      'users-migration-password': 'UsersMigrate1',
      'orders-password': 'OrdersPass1',
      'orders-migration-password': 'OrdersMigrate1',
    });
    expect(stdout).toContain('database users are in place');
    expect(calls).toEqual([
      [...connection, '--execute=CREATE DATABASE IF NOT EXISTS `rtc_users`;'],
      [...connection, account('users', 'UsersPass1', 'rtc_users', rows)],
      [...connection, account('users_migrator', 'UsersMigrate1', 'rtc_users', tables)],
      [...connection, '--execute=CREATE DATABASE IF NOT EXISTS `rtc_orders`;'],
      [...connection, account('orders', 'OrdersPass1', 'rtc_orders', rows)],
      [...connection, account('orders_migrator', 'OrdersMigrate1', 'rtc_orders', tables)],
    ]);
  });

  it("fails when a service's secret is not mounted, instead of creating a user without a password", () => {
    expect(() => runScript({ 'master-username': 'rtc_admin', 'master-password': 'MasterPass1', 'users-password': 'UsersPass1' })).toThrow();
  });

  it("fails when a service's migration password is missing, instead of creating its migration user without one", () => {
    expect(() =>
      runScript({
        'master-username': 'rtc_admin',
        'master-password': 'MasterPass1',
        'users-password': 'UsersPass1',
        'orders-password': 'OrdersPass1',
        'orders-migration-password': 'OrdersMigrate1',
      }),
    ).toThrow();
  });
});
