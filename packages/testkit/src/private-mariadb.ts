import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { findBinary, startServerProcess, type PrivateServer } from './server-process';

export interface PrivateMariadbTls {
  /** PEM files: the CA the server trusts, and the certificate and key it presents. */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Refuse every connection that is not over TLS (`require_secure_transport=ON`, as RDS's parameter group sets it). */
  readonly requireSecureTransport: boolean;
}

export interface PrivateMariadbOptions {
  /** A fixed port (refused when something already listens there); a free one by default. */
  readonly port?: number;
  /** Serve TLS with these files; without it the server speaks plain TCP only. */
  readonly tls?: PrivateMariadbTls;
}

async function answers(port: number, tls: boolean): Promise<boolean> {
  try {
    // The readiness probe only asks whether the server is up, so it accepts any certificate.
    const ssl = tls ? { ssl: { rejectUnauthorized: false } } : {};
    const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1_000, ...ssl });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

function tlsArgs(tls: PrivateMariadbTls | undefined): string[] {
  if (!tls) return [];
  return [
    `--ssl-ca=${tls.caFile}`,
    `--ssl-cert=${tls.certFile}`,
    `--ssl-key=${tls.keyFile}`,
    `--require-secure-transport=${tls.requireSecureTransport ? 'ON' : 'OFF'}`,
  ];
}

/**
 * A MariaDB (or MySQL) server of the test's own: `mariadb-install-db` into a temporary directory, then `mariadbd` on a
 * free port. Durability is relaxed (the log flushed once a second): only a crash of the machine would lose a commit.
 */
export async function startPrivateMariadb(options: PrivateMariadbOptions = {}): Promise<PrivateServer> {
  // mariadbd refuses to run as root unless told so by name; any other user runs it as itself.
  const user = `--user=${userInfo().username}`;
  return startServerProcess({
    name: 'MariaDB',
    binary: findBinary(['mariadbd', 'mysqld']),
    port: options.port,
    url: (port) => `mysql://root@127.0.0.1:${port}/`,
    answers: (port) => answers(port, options.tls !== undefined),
    async prepare(dir) {
      const dataDir = join(dir, 'data');
      mkdirSync(dataDir);
      // Temporary tables of its own: two servers bootstrapping at once in the shared /tmp were seen to lose one.
      mkdirSync(join(dir, 'tmp'));
      const installer = findBinary(['mariadb-install-db', 'mysql_install_db']);
      const install = [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--tmpdir=${join(dir, 'tmp')}`,
        user,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ];
      await promisify(execFile)(installer, install).catch((error: Error & { stderr?: string }) => {
        throw new Error(`${installer} failed: ${error.stderr || error.message}`);
      });
    },
    args: (port, dir) => [
      '--no-defaults',
      `--datadir=${join(dir, 'data')}`,
      `--tmpdir=${join(dir, 'tmp')}`,
      `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      user,
      '--skip-log-bin',
      '--performance-schema=OFF',
      '--innodb-buffer-pool-size=128M',
      '--innodb-log-file-size=64M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=400',
      ...tlsArgs(options.tls),
    ],
    logFile: (dir) => join(dir, 'error.log'),
    startTimeoutMs: 60_000,
    stopGraceMs: 30_000,
  });
}
