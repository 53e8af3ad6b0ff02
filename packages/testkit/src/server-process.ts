import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A database or Redis server of a test's or a run's own: its data in a temporary directory, on a port of its own, so it
 * may be stopped and started again without touching the servers other tests share.
 */
export interface PrivateServer {
  /** `mysql://root@127.0.0.1:<port>/` (no database) or `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The directory holding its data and log; removed by close(). */
  readonly dir: string;
  /**
   * Stops it and keeps its data for start(): gracefully (SIGTERM, SIGKILL after a grace period) by default, or with
   * `{ kill: true }` at once (SIGKILL), as abrupt as a crash or a network cut.
   */
  stop(options?: { readonly kill?: boolean }): Promise<void>;
  /** Starts it again on the same port and data, resolving once it answers. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

/** The first port the kernel takes for `listen(0)` and outgoing connections; Linux's default where it cannot be read. */
export function firstEphemeralPort(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return low;
  } catch {
    // not Linux
  }
  return 32768;
}

/** Below the ports RTC's own configurations and benchmarks name (4000–4500, the databases' and Redis'). */
const lowestChosenPort = 10_000;
const choices = 50;

/** Resolves with the port once something could listen on it, undefined when it is taken. */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port free on 127.0.0.1 for a server started afterwards, in another process. It is chosen at random below the
 * kernel's ephemeral range: a port of that range, once released, may go to any other test's `listen(0)` or outgoing
 * connection before the server binds it, and another test's server answering there passes for the one that failed
 * to start. Below the range, only another caller of this function picking the same port at the same moment collides.
 */
export async function freePort(): Promise<number> {
  const span = firstEphemeralPort() - lowestChosenPort;
  for (let choice = 0; span > 0 && choice < choices; choice++) {
    const port = await tryListen(lowestChosenPort + Math.floor(Math.random() * span));
    if (port !== undefined) return port;
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/**
 * Connects to 127.0.0.1:`port`, writes `request` if given, and resolves with the first answer (`''` on connect when
 * there is no request), or undefined when nothing answers within a second.
 */
export function probe(port: number, request?: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const finish = (answer: string | undefined) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('data', (data) => finish(data.toString()));
    socket.once('connect', () => (request === undefined ? finish('') : socket.write(request)));
  });
}

/** The first of `names` found in the usual install directories (sbin is often off a user's PATH), else the first name for spawn to look up on the PATH. */
export function findBinary(names: readonly [string, ...string[]]): string {
  for (const name of names) {
    for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin']) {
      if (existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return names[0];
}

export interface ServerProcessSpec {
  /** `MariaDB`, `Redis`: for messages. */
  readonly name: string;
  readonly binary: string;
  readonly args: (port: number, dir: string) => readonly string[];
  readonly url: (port: number) => string;
  /** Whether the server on `port` answers a real request (not only accepts a connection). */
  readonly answers: (port: number) => Promise<boolean>;
  /** A fixed port (refused when something already listens there); a free one by default. */
  readonly port?: number;
  /** Prepares the data directory before the first start (e.g. mariadb-install-db). */
  readonly prepare?: (dir: string) => Promise<void>;
  /** Its log file, named in errors. */
  readonly logFile?: (dir: string) => string;
  readonly startTimeoutMs: number;
  readonly stopGraceMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Starts `spec.binary` in a temporary directory and gives it the lifecycle of a PrivateServer. */
export async function startServerProcess(spec: ServerProcessSpec): Promise<PrivateServer> {
  if (spec.port !== undefined && (await probe(spec.port)) !== undefined)
    throw new Error(`something already answers on 127.0.0.1:${spec.port}; pick another port`);
  const port = spec.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `rtc-${spec.name.toLowerCase()}-`));
  const what = `the private ${spec.name} on port ${port}${spec.logFile ? ` (log: ${spec.logFile(dir)})` : ''}`;
  let child: ChildProcess | undefined;
  // A process that ends without close() (a failed run, a crashed test) leaves no server behind.
  const killOnExit = () => child?.kill('SIGKILL');

  const stop = async ({ kill = false }: { readonly kill?: boolean } = {}) => {
    const server = child;
    child = undefined;
    process.removeListener('exit', killOnExit);
    if (!server || server.pid === undefined || server.exitCode !== null || server.signalCode !== null) return;
    const done = exited(server);
    if (kill) {
      server.kill('SIGKILL');
    } else {
      // It may be frozen (SIGSTOP) by the test.
      server.kill('SIGCONT');
      server.kill('SIGTERM');
    }
    const timer = setTimeout(() => server.kill('SIGKILL'), spec.stopGraceMs);
    await done;
    clearTimeout(timer);
  };

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const server = spawn(spec.binary, spec.args(port, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
    child = server;
    process.removeListener('exit', killOnExit);
    process.once('exit', killOnExit);
    let failure: string | undefined;
    server.once('error', (error) => (failure = `did not start: ${error.message}`));
    let stderr = '';
    server.stderr?.on('data', (data) => (stderr = (stderr + String(data)).slice(-2_000)));
    const deadline = Date.now() + spec.startTimeoutMs;
    while (failure === undefined && Date.now() < deadline) {
      if (server.exitCode !== null || server.signalCode !== null) {
        failure = `exited (${server.exitCode ?? server.signalCode}) before it answered${stderr.trim() ? `:\n${stderr.trim()}` : ''}`;
        break;
      }
      if (await spec.answers(port)) return;
      await sleep(200);
    }
    await stop({ kill: true });
    throw new Error(`${what} ${failure ?? `did not answer within ${spec.startTimeoutMs} ms`}`);
  };

  try {
    await spec.prepare?.(dir);
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: spec.url(port),
    port,
    dir,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
