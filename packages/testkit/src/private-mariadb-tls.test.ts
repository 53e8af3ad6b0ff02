import { createMysqlPool, type Pool } from '@rtc/service-kit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateMariadb } from './private-mariadb';
import type { PrivateServer } from './server-process';
import { createTestCertificates, type TestCertificates } from './test-certificates';

// A server shaped like RDS with RTC's parameter group: TLS required for every account, a certificate from a CA of its own.
let dir: string;
let mariadb: PrivateServer;
/** Same CA, but its certificate names another host. */
let misnamed: PrivateServer;
let serverCa: TestCertificates;
let strangerCa: TestCertificates;
const pools: Pool[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rtc-mariadb-tls-'));
  serverCa = await createTestCertificates(dir, 'rtc', ['localhost']);
  const elsewhere = await createTestCertificates(dir, 'elsewhere', ['db.elsewhere.test'], serverCa);
  strangerCa = await createTestCertificates(dir, 'stranger', ['localhost']);
  [mariadb, misnamed] = await Promise.all([
    startPrivateMariadb({ tls: { ...serverCa, requireSecureTransport: true } }),
    startPrivateMariadb({ tls: { ...elsewhere, requireSecureTransport: true } }),
  ]);
  await Promise.all([mariadb, misnamed].map((server) => createOrdersAccount(server.port)));
}, 120_000);

async function createOrdersAccount(port: number): Promise<void> {
  const root = await createConnection({ host: '127.0.0.1', port, user: 'root', ssl: { rejectUnauthorized: false }, multipleStatements: true });
  try {
    await root.query(
      // Anonymous accounts would shadow 'orders'@'%' for local clients.
      "DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;" +
        'CREATE DATABASE rtc_orders;' +
        "CREATE USER 'orders'@'%' IDENTIFIED BY 'orders-password' REQUIRE SSL;" +
        "GRANT SELECT ON rtc_orders.* TO 'orders'@'%';",
    );
  } finally {
    await root.end();
  }
}

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await Promise.all([mariadb?.close(), misnamed?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A service's pool as createMysqlPool builds it from DATABASE_URL, for the orders account. */
function poolFor(host: string, query: string, server = mariadb): Pool {
  const pool = createMysqlPool({ url: `mysql://orders:orders-password@${host}:${server.port}/rtc_orders${query}` });
  pools.push(pool);
  return pool;
}

async function cipherOf(pool: Pool): Promise<string> {
  const [rows] = await pool.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
  return (rows as { Value: string }[])[0]!.Value;
}

describe('a service on a database that requires TLS', () => {
  it('connects with ssl-mode=VERIFY_IDENTITY and the CA file named in DATABASE_URL', async () => {
    const pool = poolFor('localhost', `?ssl-mode=VERIFY_IDENTITY&ssl-ca=${encodeURIComponent(serverCa.caFile)}`);
    expect(await cipherOf(pool)).toMatch(/^TLSv1\.[23]$/);
  }, 30_000);

  it('is refused without TLS', async () => {
    await expect(poolFor('localhost', '').query('SELECT 1')).rejects.toThrow(/insecure transport|Access denied/);
  }, 30_000);

  it('refuses a server whose certificate another CA signed', async () => {
    const pool = poolFor('localhost', `?ssl-mode=VERIFY_IDENTITY&ssl-ca=${encodeURIComponent(strangerCa.caFile)}`);
    await expect(pool.query('SELECT 1')).rejects.toThrow(/self-signed certificate|unable to verify/);
  }, 30_000);

  it('refuses a server whose certificate names another host, though its CA is trusted', async () => {
    const pool = poolFor('localhost', `?ssl-mode=VERIFY_IDENTITY&ssl-ca=${encodeURIComponent(serverCa.caFile)}`, misnamed);
    await expect(pool.query('SELECT 1')).rejects.toThrow(/does not match certificate's altnames/);
  }, 30_000);

  it('accepts that server with ssl-mode=VERIFY_CA, which checks the chain alone', async () => {
    const pool = poolFor('localhost', `?ssl-mode=VERIFY_CA&ssl-ca=${encodeURIComponent(serverCa.caFile)}`, misnamed);
    expect(await cipherOf(pool)).toMatch(/^TLSv1\.[23]$/);
  }, 30_000);
});
