import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { firstEphemeralPort, freePort } from './server-process';

const listenOn = (port: number) =>
  new Promise<() => Promise<void>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(() => new Promise((closed) => server.close(() => closed()))));
  });

describe('freePort', () => {
  it('chooses ports below the range the kernel hands to listen(0) and outgoing connections, each one free to listen on', async () => {
    const low = firstEphemeralPort();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(low);
      const close = await listenOn(port);
      await close();
    }
    // Chosen at random, not counted up from one place.
    expect(new Set(ports).size).toBeGreaterThan(15);
  });

  it('reads where the ephemeral range starts as an unprivileged port', () => {
    const low = firstEphemeralPort();
    expect(low).toBeGreaterThan(1024);
    expect(low).toBeLessThanOrEqual(65_535);
  });
});
