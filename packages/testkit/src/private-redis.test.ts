import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis } from './private-redis';
import { freePort, type PrivateServer } from './server-process';

/** One RESP command's first answer line, or the connection error's code. */
async function send(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'ERROR'));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().split('\r\n')[0]!);
    });
  });
}

let redis: PrivateServer | undefined;
afterEach(async () => {
  await redis?.close();
  redis = undefined;
});

describe('private redis', () => {
  it('starts a redis-server of its own without persistence on a free port, and closes it', async () => {
    redis = await startPrivateRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await send(redis.port, 'SET private 1')).toBe('+OK');
    expect(await send(redis.port, 'CONFIG GET save')).toBe('*2');
    const { port, dir } = redis;
    expect(existsSync(dir)).toBe(true);
    await redis.close();
    redis = undefined;
    expect(await send(port, 'PING')).toBe('ECONNREFUSED');
    expect(existsSync(dir)).toBe(false);
  });

  it('comes back empty after a stop and a start', async () => {
    redis = await startPrivateRedis();
    expect(await send(redis.port, 'SET kept 1')).toBe('+OK');
    await redis.stop();
    expect(await send(redis.port, 'PING')).toBe('ECONNREFUSED');
    await redis.start();
    expect(await send(redis.port, 'EXISTS kept')).toBe(':0');
  });

  it('keeps what was written before a stop when asked to keep its data', async () => {
    redis = await startPrivateRedis({ keepData: true });
    expect(await send(redis.port, 'SET kept 1')).toBe('+OK');
    await redis.stop();
    expect(await send(redis.port, 'PING')).toBe('ECONNREFUSED');
    await redis.start();
    expect(await send(redis.port, 'EXISTS kept')).toBe(':1');
  });

  it('kills it at once when asked, and starts again on the same port', async () => {
    redis = await startPrivateRedis();
    await redis.stop({ kill: true });
    expect(await send(redis.port, 'PING')).toBe('ECONNREFUSED');
    await redis.start();
    expect(await send(redis.port, 'PING')).toBe('+PONG');
  });

  it('starts on the port asked for, and refuses it when a redis already answers there', async () => {
    const port = await freePort();
    redis = await startPrivateRedis({ port });
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    expect(await send(port, 'PING')).toBe('+PONG');
    await expect(startPrivateRedis({ port })).rejects.toThrow(/already answers/);
  });

  it('says so when the binary does not exist', async () => {
    await expect(startPrivateRedis({ binary: 'redis-server-that-is-not-installed' })).rejects.toThrow(/did not start/);
  });
});
