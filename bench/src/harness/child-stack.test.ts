import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from 'mysql2/promise';
import { testServerUrl } from '@rtc/testkit';
import { assertLoopbackUrl, processCpuMs, startChildStack, StackStartError, stackPorts, type StackService } from './child-stack';

const serverUrl = testServerUrl();
const prefix = `rtc_test_child_${randomBytes(3).toString('hex')}_`;

/** Six ports free right now, from the OS. */
async function freePorts(): Promise<Record<StackService, number>> {
  const servers = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const server = createServer().listen(0, '127.0.0.1');
      await once(server, 'listening');
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  const [gateway, users, catalog, orders, inventory, activity] = ports as [number, number, number, number, number, number];
  return { gateway, users, catalog, orders, inventory, activity };
}

afterAll(async () => {
  const pool = createPool({ uri: serverUrl, connectionLimit: 1 });
  for (const name of ['users', 'catalog', 'orders', 'inventory', 'activity']) await pool.query(`DROP DATABASE IF EXISTS \`${prefix}${name}\``);
  await pool.end();
});

describe('child stack', () => {
  it('numbers the six ports from the gateway up', () => {
    expect(stackPorts(4100)).toEqual({ gateway: 4100, users: 4101, catalog: 4102, orders: 4103, inventory: 4104, activity: 4105 });
  });

  it('reads a process CPU time from /proc', () => {
    const before = processCpuMs(process.pid);
    // 60 ms of CPU by this process's own count, however long a loaded machine takes to grant them.
    const from = process.cpuUsage();
    const spentMs = () => {
      const { user, system } = process.cpuUsage(from);
      return (user + system) / 1000;
    };
    while (spentMs() < 60);
    const after = processCpuMs(process.pid);
    expect(before).toBeGreaterThan(0);
    expect(after! - before!).toBeGreaterThanOrEqual(30);
    expect(processCpuMs(2 ** 30)).toBeUndefined();
  });

  it('accepts only databases on this machine', () => {
    expect(() => assertLoopbackUrl('mysql://root@127.0.0.1:3306', 'DATABASE_URL')).not.toThrow();
    expect(() => assertLoopbackUrl('mysql://root@localhost:3306', 'DATABASE_URL')).not.toThrow();
    expect(() => assertLoopbackUrl('mysql://root@10.0.0.5:3306', 'DATABASE_URL')).toThrow(StackStartError);
  });

  it('refuses to start when one of its ports is taken', async () => {
    const ports = await freePorts();
    const squatter = createServer().listen(ports.orders, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      await expect(startChildStack({ databaseUrl: serverUrl, databasePrefix: prefix, ports })).rejects.toThrow(`port ${ports.orders}`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('fails with the child output when RTC exits before it is ready', async () => {
    const lines: string[] = [];
    const attempt = startChildStack({ databaseUrl: serverUrl, databasePrefix: 'Not-A-Prefix', ports: await freePorts(), onOutput: (line) => lines.push(line) });
    await expect(attempt).rejects.toThrow(StackStartError);
    await expect(attempt).rejects.toThrow(/exited \(1\)[\s\S]*RTC_DATABASE_PREFIX/);
    expect(lines.join('\n')).toContain('RTC_DATABASE_PREFIX');
  });

  it('serves GraphQL from its own process on the given ports until stopped', async () => {
    const ports = await freePorts();
    const stack = await startChildStack({ databaseUrl: serverUrl, databasePrefix: prefix, ports, seed: 'never', onOutput: () => undefined });
    try {
      expect(stack.pid).not.toBe(process.pid);
      expect(stack.graphqlUrl).toBe(`http://127.0.0.1:${ports.gateway}/graphql`);
      const response = await fetch(stack.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products(first: 1) { edges { node { id } } } }' }),
      });
      expect(await response.json()).toEqual({ data: { products: { edges: [] } } });
      expect((await fetch(`http://127.0.0.1:${ports.inventory}/readyz`)).status).toBe(200);
      // Starting up (loading modules, migrating) took CPU of its own, not of this process.
      expect(stack.cpuMs()).toBeGreaterThan(500);
    } finally {
      // 0 from the launcher's shutdown, or the signal when an Apollo server re-raises it first.
      expect([0, 'SIGTERM']).toContain(await stack.stop());
    }
    await expect(fetch(`${stack.gatewayUrl}/healthz`)).rejects.toThrow();
    expect(stack.cpuMs()).toBeUndefined();
  });

  it('writes a CPU profile of the child when asked', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rtc-bench-profile-'));
    try {
      const stack = await startChildStack({
        databaseUrl: serverUrl,
        databasePrefix: prefix,
        ports: await freePorts(),
        seed: 'never',
        cpuProfileDir: folder,
        onOutput: () => undefined,
      });
      await stack.stop();
      // One per thread: the main one, and tsx's module loader.
      const files = await readdir(folder);
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((file) => file.endsWith('.cpuprofile'))).toBe(true);
      const nodes = await Promise.all(files.map(async (file) => (JSON.parse(await readFile(join(folder, file), 'utf8')) as { nodes: unknown[] }).nodes.length));
      expect(Math.max(...nodes)).toBeGreaterThan(100);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
