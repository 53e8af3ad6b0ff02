import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Redis server of a test's or a run's own (another port, no persistence) that it may stop and start again. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server; like any Redis without persistence, it comes back empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface PrivateRedisOptions {
  /** A fixed port (refused when something already answers there); a free one by default. */
  readonly port?: number;
  readonly binary?: string;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startPrivateRedis({ port: fixedPort, binary = 'redis-server' }: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  if (fixedPort !== undefined && (await answersPing(fixedPort))) throw new Error(`something already answers on 127.0.0.1:${fixedPort}; pick another port`);
  const port = fixedPort ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'rtc-redis-'));
  let child: ChildProcess | undefined;
  // A process that ends without close() (a failed run, a crashed test) leaves no server behind.
  const killOnExit = () => child?.kill('SIGKILL');

  const start = async () => {
    if (child) return;
    const server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = server;
    process.once('exit', killOnExit);
    let failure: string | undefined;
    server.once('error', (error) => (failure = `${binary} did not start: ${error.message}`));
    server.stderr?.on('data', (data) => (failure ??= String(data).trim() || undefined));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await answersPing(port)) return;
      if (server.exitCode !== null || failure?.includes('did not start')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    server.kill('SIGKILL');
    child = undefined;
    process.removeListener('exit', killOnExit);
    throw new Error(failure ?? `${binary} did not answer on 127.0.0.1:${port} within 10 s (is it installed?)`);
  };

  const stop = async () => {
    const server = child;
    child = undefined;
    process.removeListener('exit', killOnExit);
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGKILL');
    });
  };

  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
