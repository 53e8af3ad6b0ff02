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
  await redis?.stop();
  redis = undefined;
});

describe('private redis', () => {
  it('starts a redis-server of its own that answers, and stops it', async () => {
    const port = await freePort();
    redis = await startPrivateRedis(port);
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    expect(await send(port, 'SET soak 1')).toBe('+OK');
    expect(await send(port, 'CONFIG GET save')).toBe('*2');
    await redis.stop();
    redis = undefined;
    expect(await send(port, 'PING')).toBe('ECONNREFUSED');
  });

  it('refuses a port where a redis already answers', async () => {
    const port = await freePort();
    redis = await startPrivateRedis(port);
    await expect(startPrivateRedis(port)).rejects.toThrow(/already answers/);
  });

  it('says so when the binary does not exist', async () => {
    await expect(startPrivateRedis(await freePort(), 'redis-server-that-is-not-installed')).rejects.toThrow(/did not start/);
  });
});
