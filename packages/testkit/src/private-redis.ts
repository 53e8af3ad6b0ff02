import { join } from 'node:path';
import { findBinary, probe, startServerProcess, type PrivateServer } from './server-process';

export interface PrivateRedisOptions {
  /** A fixed port (refused when something already listens there); a free one by default. */
  readonly port?: number;
  /**
   * Keeps an append-only file, so a stop and start loses nothing written before the stop, as a managed Redis with
   * persistence would. Without it, like any Redis without persistence, it comes back empty.
   */
  readonly keepData?: boolean;
  readonly binary?: string;
}

/** A Redis server of a test's or a run's own, which it may stop and start again. */
export async function startPrivateRedis({ port, keepData = false, binary = findBinary(['redis-server']) }: PrivateRedisOptions = {}): Promise<PrivateServer> {
  return startServerProcess({
    name: 'Redis',
    binary,
    port,
    url: (port) => `redis://127.0.0.1:${port}`,
    answers: async (port) => (await probe(port, 'PING\r\n'))?.startsWith('+PONG') === true,
    args: (port, dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      ...(keepData ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
      '--logfile',
      join(dir, 'redis.log'),
    ],
    logFile: (dir) => join(dir, 'redis.log'),
    startTimeoutMs: 30_000,
    stopGraceMs: 10_000,
  });
}
