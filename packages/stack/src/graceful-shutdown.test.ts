import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalHeader, signAccessToken, withDatabase } from '@rtc/service-kit';
import {
  connectLive,
  freePort,
  openKeepAlive,
  openRawLiveSocket,
  queryRows,
  requestHead,
  testInternalToken,
  testJwtSecret,
  testServerUrl,
  type ConnectionOutcome,
  type LiveClient,
} from '@rtc/testkit';
import { databaseNames, dropAll, migrateAll } from './databases';
import { startServiceProcesses, type ServiceProcesses } from './service-processes';

/** Resolves with the exit code (or signal) once `child` has exited, or 'running' if it has not within `timeoutMs`. */
function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('running'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    });
  });
}

async function readyzStatus(url: string): Promise<number | string> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return response.status;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? 'failed';
  }
}

/** Polls `url`'s /readyz until it answers `status`; resolves with what it last answered. */
async function readyzBecomes(url: string, status: number, timeoutMs: number): Promise<number | string> {
  const until = Date.now() + timeoutMs;
  let last = await readyzStatus(url);
  while (last !== status && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await readyzStatus(url);
  }
  return last;
}

/**
 * A GraphQL POST whose body is sent in two halves: the server holds it as a request in flight, handler running,
 * until `finish()` sends the rest and waits for the answer.
 */
async function holdRequest(graphqlUrl: string, query: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ query });
  const connection = await openKeepAlive(graphqlUrl);
  const half = Math.floor(body.length / 2);
  const head = requestHead(graphqlUrl, { headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } });
  const answer = connection.send(head, body.slice(0, half), 30_000);
  // Give the server time to read the head and start the handler.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    finish(): Promise<ConnectionOutcome> {
      connection.write(body.slice(half));
      return answer;
    },
  };
}

async function gatewayMetric(gatewayUrl: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const match = text.split('\n').find((candidate) => line.test(candidate));
  return match ? Number(match.split(' ').at(-1)) : 0;
}

const suffix = randomBytes(4).toString('hex');
const databases = databaseNames(`rtc_test_${suffix}_`);
let running: ServiceProcesses;
let adminToken: string;
const liveClients: LiveClient[] = [];

beforeAll(async () => {
  await migrateAll(testServerUrl(), databases);
  running = await startServiceProcesses({
    serverUrl: testServerUrl(),
    databases,
    ports: {
      gateway: await freePort(),
      users: await freePort(),
      catalog: await freePort(),
      orders: await freePort(),
      inventory: await freePort(),
      activity: await freePort(),
    },
    host: '127.0.0.1',
    logLevel: 'warn',
    redisUrl: 'redis://127.0.0.1:6379',
    internalToken: testInternalToken,
    jwtSecret: testJwtSecret,
    storeTimeZone: 'UTC',
    storeCurrency: 'USD',
    extraEnv: {
      gateway: {
        SHUTDOWN_DELAY_SECONDS: '1',
        SUBGRAPH_CHECK_INTERVAL_MS: '200',
        SUBGRAPH_CHECK_TIMEOUT_MS: '500',
        WS_PING_INTERVAL_SECONDS: '1',
        WS_MAX_BUFFERED_BYTES: String(256 * 1024),
      },
    },
  });
  const usersDb = withDatabase(testServerUrl(), databases.users);
  await queryRows(usersDb, "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('admin@shutdown.example', 'Admin', 'ADMIN', 'x', NOW(3))");
  const [admin] = await queryRows<{ id: number }>(usersDb, 'SELECT id FROM users');
  adminToken = await signAccessToken({ userId: String(admin!.id), role: 'ADMIN' }, testJwtSecret);
}, 180_000);

afterAll(async () => {
  await Promise.all(liveClients.map((client) => client.dispose()));
  await running?.stop();
  await dropAll(testServerUrl(), databases);
}, 60_000);

describe('graceful shutdown, readiness and socket keep-alive, one process per service', () => {
  it('a subgraph on SIGTERM finishes the request in flight and exits 0', async () => {
    const catalog = running.processOf('catalog');
    const held = await holdRequest(`${running.urls.catalog}/graphql`, '{ categories { id } }', { [InternalHeader.Token]: testInternalToken });
    const signalled = Date.now();
    catalog.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Stopped listening, but the request it had taken is still being served.
    expect(await readyzStatus(running.urls.catalog)).toBe('ECONNREFUSED');
    const answer = await held.finish();
    expect(answer).toMatchObject({ status: 200, headers: { connection: 'close' }, json: { data: { categories: [] } } });
    expect(await exitOf(catalog, 10_000)).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    await running.restart('catalog');
  });

  it("the gateway's /readyz answers 503 while a subgraph is down and 200 once it is back, /healthz 200 throughout", async () => {
    expect(await readyzBecomes(running.gatewayUrl, 200, 10_000)).toBe(200);
    const inventory = running.processOf('inventory');
    inventory.kill('SIGTERM');
    expect(await exitOf(inventory, 10_000)).toBe(0);
    expect(await readyzBecomes(running.gatewayUrl, 503, 5_000)).toBe(503);
    expect((await fetch(`${running.gatewayUrl}/healthz`)).status).toBe(200);
    expect(await gatewayMetric(running.gatewayUrl, /^rtc_gateway_subgraph_up\{.*subgraph="inventory"/)).toBe(0);
    await running.restart('inventory');
    expect(await readyzBecomes(running.gatewayUrl, 200, 5_000)).toBe(200);
  });

  it('keeps a socket that answers pings, cuts one that does not, and drops one that stopped reading once its buffer passes the bound', async () => {
    const healthy = connectLive(`${running.gatewayUrl}/graphql`, { authorization: `Bearer ${adminToken}` });
    liveClients.push(healthy);
    const stats = healthy.subscribe('subscription { salesStats(windowSeconds: 60) { orders } }');
    await stats.next(10_000);

    const silent = await openRawLiveSocket(`${running.gatewayUrl}/graphql`, { autoPong: false });
    silent.send({ type: 'connection_init', payload: {} });
    expect(await silent.nextMessage()).toMatchObject({ type: 'connection_ack' });
    const noPongBefore = await gatewayMetric(running.gatewayUrl, /^rtc_gateway_socket_drops_total\{.*reason="no_pong"/);
    // Pinged every second; cut at the first sweep that finds the previous ping unanswered.
    expect(await silent.closedWithin(5_000)).toBe(1006);
    expect(await gatewayMetric(running.gatewayUrl, /^rtc_gateway_socket_drops_total\{.*reason="no_pong"/)).toBe(noPongBefore + 1);

    const stalled = await openRawLiveSocket(`${running.gatewayUrl}/graphql`);
    stalled.send({ type: 'connection_init', payload: {} });
    expect(await stalled.nextMessage()).toMatchObject({ type: 'connection_ack' });
    stalled.pauseReading();
    // graphql-ws echoes a ping's payload in its pong: 60 KiB back for each one, none of it read.
    const padding = 'x'.repeat(60 * 1024);
    const droppedOnce = async () => (await gatewayMetric(running.gatewayUrl, /^rtc_gateway_socket_drops_total\{.*reason="slow_reader"/)) > 0;
    let sent = 0;
    while (sent < 2_000 && !(await droppedOnce())) {
      for (let i = 0; i < 50; i++) stalled.send({ type: 'ping', payload: { padding } });
      sent += 50;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await expect.poll(droppedOnce, { timeout: 10_000, interval: 200 }).toBe(true);
    // Well short of the 120 MiB it could have sent: the gateway held at most its bound beyond what the kernel buffers.
    expect(sent).toBeLessThan(2_000);
    stalled.resumeReading();
    expect(await stalled.closedWithin(10_000)).not.toBeNull();

    // The well-behaved client sat through several ping rounds and still gets its updates.
    const before = stats.results.length;
    await expect.poll(() => stats.results.length, { timeout: 5_000, interval: 100 }).toBeGreaterThan(before);
    expect(await Promise.race([healthy.closed(), new Promise((resolve) => setTimeout(() => resolve('open'), 100))])).toBe('open');
  });

  it('a gateway on SIGTERM with subscribers attached: /readyz 503, subscribers closed with 1001, the request in flight answered, exit 0 within seconds', async () => {
    expect(await readyzBecomes(running.gatewayUrl, 200, 10_000)).toBe(200);
    const subscribers = Array.from({ length: 3 }, () => connectLive(`${running.gatewayUrl}/graphql`, { authorization: `Bearer ${adminToken}` }));
    liveClients.push(...subscribers);
    await Promise.all(subscribers.map((client) => client.subscribe('subscription { salesStats(windowSeconds: 60) { orders } }').next(10_000)));
    const held = await holdRequest(`${running.gatewayUrl}/graphql`, '{ categories { id name } }');

    const gateway = running.processOf('gateway');
    const signalled = Date.now();
    gateway.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Unready at once, while still serving for SHUTDOWN_DELAY_SECONDS so load balancers notice.
    expect(await readyzStatus(running.gatewayUrl)).toBe(503);
    expect(await Promise.all(subscribers.map((client) => client.closed()))).toEqual([1001, 1001, 1001]);
    expect(await held.finish()).toMatchObject({ status: 200, headers: { connection: 'close' }, json: { data: { categories: [] } } });
    expect(await exitOf(gateway, 10_000)).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
  });
});
