import { createConnection, createServer } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from './private-redis';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

let redis: PrivateRedis | undefined;
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
    const { port } = redis;
    await redis.close();
    redis = undefined;
    expect(await send(port, 'PING')).toBe('ECONNREFUSED');
  });

  it('comes back empty after a stop and a start', async () => {
    redis = await startPrivateRedis();
    expect(await send(redis.port, 'SET kept 1')).toBe('+OK');
    await redis.stop();
    expect(await send(redis.port, 'PING')).toBe('ECONNREFUSED');
    await redis.start();
    expect(await send(redis.port, 'EXISTS kept')).toBe(':0');
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
