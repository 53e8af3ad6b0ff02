import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Logger } from '@rtc/service-kit';

export async function databaseAnswers(serverUrl: string): Promise<boolean> {
  try {
    const connection = await createConnection({ uri: serverUrl, connectTimeout: 2_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

function findBinary(names: readonly string[]): string | undefined {
  const dirs = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin'];
  for (const name of names) {
    const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export interface PrivateDatabase {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a MariaDB/MySQL server of RTC's own with its data under `stateDir`, listening where `serverUrl` points.
 * Used by `npm start` only when nothing answers there.
 */
export async function startPrivateDatabase(serverUrl: string, stateDir: string, logger: Logger): Promise<PrivateDatabase> {
  const server = findBinary(['mariadbd', 'mysqld']);
  if (!server) {
    throw new Error(
      `Nothing answers at ${serverUrl} and no MariaDB or MySQL server is installed.\n` +
        'Either install one (Debian/Ubuntu: sudo apt-get install mariadb-server) or set DATABASE_URL to a reachable server, e.g.\n' +
        '  DATABASE_URL=mysql://user:password@db-host:3306 npm start',
    );
  }
  const url = new URL(serverUrl);
  const dataDir = join(stateDir, 'mysql', 'data');
  const runDir = join(stateDir, 'mysql', 'run');
  mkdirSync(runDir, { recursive: true });
  const user = userInfo().username;
  if (!existsSync(join(dataDir, 'mysql'))) {
    mkdirSync(dataDir, { recursive: true });
    const installer = findBinary(['mariadb-install-db', 'mysql_install_db']);
    if (!installer) throw new Error('mariadb-install-db is missing; cannot create a private database');
    logger.info({ dataDir }, 'creating a private MariaDB data directory');
    const init = spawnSync(
      installer,
      ['--no-defaults', `--datadir=${dataDir}`, `--user=${user}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
      { encoding: 'utf8' },
    );
    if (init.status !== 0) throw new Error(`mariadb-install-db failed:\n${init.stderr}`);
  }
  const child = spawn(
    server,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${join(runDir, 'mysqld.sock')}`,
      `--pid-file=${join(runDir, 'mysqld.pid')}`,
      `--port=${url.port || '3306'}`,
      `--bind-address=${url.hostname}`,
      `--user=${user}`,
      '--innodb-buffer-pool-size=512M',
      '--innodb-flush-log-at-trx-commit=2',
      '--max-connections=500',
    ],
    { stdio: 'ignore' },
  );
  logger.info({ pid: child.pid, dataDir }, 'started a private MariaDB');
  for (let attempt = 0; attempt < 60; attempt++) {
    if (await databaseAnswers(serverUrl)) {
      return {
        process: child,
        stop: () =>
          new Promise((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  child.kill('SIGKILL');
  throw new Error(`the private database at ${serverUrl} did not start; see ${dataDir}`);
}
