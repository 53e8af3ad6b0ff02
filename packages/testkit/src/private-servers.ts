import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * A database or Redis server of a test's own: its data in a temporary directory, on a port of its own, so a test may
 * stop, restart or freeze it without touching the servers other tests share.
 */
export interface PrivateServer {
  /** `mysql://root@127.0.0.1:<port>/` or `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The directory holding its data and logs; removed by dispose(). */
  readonly dir: string;
  /** Stops it gracefully (SIGTERM) and keeps its data. */
  stop(): Promise<void>;
  /** Starts it again on the same data and port, resolving once it answers. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function findBinary(names: readonly string[]): string {
  for (const name of names) {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  throw new Error(`none of ${names.join(', ')} is installed; the private servers of the fault tests need it`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, child: ChildProcess, answers: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it answered`);
    if (await answers()) return;
    await sleep(200);
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Stops a server child: SIGCONT first (it may be frozen), SIGTERM, SIGKILL after a grace period. */
async function stopChild(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

function ownedByMysql(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'mysql'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root, MariaDB needs a mysql account to run as; none exists');
  chownSync(dir, uid, gid);
  return 'mysql';
}

async function databaseAnswers(url: string): Promise<boolean> {
  try {
    const connection = await createConnection({ uri: url, connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * A MariaDB (or MySQL) server of the test's own: `mariadb-install-db` into a temporary directory, then `mariadbd` on a
 * free port (as the mysql account when the tests run as root). Durability is relaxed (flush once a second): a graceful
 * stop still writes everything, and a test never kills it with SIGKILL.
 */
export async function startPrivateMariaDbServer(options: { readonly port?: number } = {}): Promise<PrivateServer> {
  const server = findBinary(['mariadbd', 'mysqld']);
  const installer = findBinary(['mariadb-install-db', 'mysql_install_db']);
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'rtc-mariadb-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const user = ownedByMysql(dir);
  if (user) ownedByMysql(dataDir);
  const userArgs = user ? [`--user=${user}`] : [];
  const init = spawnSync(installer, ['--no-defaults', `--datadir=${dataDir}`, ...userArgs, '--auth-root-authentication-method=normal', '--skip-test-db'], {
    encoding: 'utf8',
  });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed:\n${init.stderr}`);
  const url = `mysql://root@127.0.0.1:${port}/`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      server,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${join(dir, 'error.log')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        ...userArgs,
        '--skip-log-bin',
        '--performance-schema=OFF',
        '--innodb-buffer-pool-size=128M',
        '--innodb-log-file-size=64M',
        '--innodb-flush-log-at-trx-commit=2',
        '--max-connections=400',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(`the private MariaDB on port ${port} (log: ${join(dir, 'error.log')})`, child, () => databaseAnswers(url), 60_000);
  };
  const stop = () => stopChild(child, 30_000);
  await start();
  return {
    url,
    port,
    dir,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/**
 * A Redis server of the test's own on a free port. It keeps an append-only file, so a stop and start loses nothing
 * written before the stop, as a managed Redis with persistence would.
 */
export async function startPrivateRedisServer(options: { readonly port?: number } = {}): Promise<PrivateServer> {
  const server = findBinary(['redis-server']);
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'rtc-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      server,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--logfile',
        join(dir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    await waitFor(`the private Redis on port ${port}`, child, () => redisAnswers(port), 30_000);
  };
  const stop = () => stopChild(child, 10_000);
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
