import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersMigrations } from '@rtc/orders';
import {
  appendToOutbox,
  createInProcessBus,
  createLogger,
  createMysqlPool,
  createOutboxRelay,
  defineOutboxTable,
  runnerOn,
  type DomainEvent,
  type EventBus,
  type Pool,
} from '@rtc/service-kit';
import { createTestDatabase, queryRows, type TestDatabase } from '@rtc/testkit';

const logger = createLogger({ service: 'test', level: 'silent' });
const outbox = defineOutboxTable();
let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase('relay', ordersMigrations);
  pool = createMysqlPool({ url: database.url, connectionLimit: 6 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** Commits one outbox row the way a checkout does, in a transaction of its own; resolves with how long it took. */
async function commitEvent(aggregateId: string): Promise<number> {
  const started = performance.now();
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    await appendToOutbox(runnerOn(connection), outbox, [{ type: 'OrderPlaced', aggregateType: 'Order', aggregateId, payload: { orderId: aggregateId } }]);
    await connection.commit();
  } finally {
    connection.release();
  }
  return performance.now() - started;
}

const pendingCount = async () => (await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL'))[0]!.n;

/** A bus whose publishing hangs until `open()`, as a bus behind a dead network would. */
function createHangingBus() {
  const inner = createInProcessBus();
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let calls = 0;
  const bus: EventBus = {
    ...inner,
    async publishAll(events: readonly DomainEvent[]) {
      calls++;
      await opened;
      await inner.publishAll(events);
    },
  };
  return { bus, inner, open, calls: () => calls };
}

/** The pool, counting the statements (round trips) sent on the connections it lends. */
function countingRoundTrips(inner: Pool): { pool: Pool; roundTrips: () => number } {
  let roundTrips = 0;
  const bound = <T extends object>(target: T, property: string | symbol) => {
    const value = Reflect.get(target, property) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  };
  const pool = new Proxy(inner, {
    get(target, property) {
      if (property !== 'getConnection') return bound(target, property);
      return async () => {
        const connection = await target.getConnection();
        return new Proxy(connection, {
          get(lent, name) {
            if (name !== 'query') return bound(lent, name);
            return (...args: Parameters<typeof lent.query>) => {
              roundTrips += 1;
              return lent.query(...args);
            };
          },
        });
      };
    },
  });
  return { pool, roundTrips: () => roundTrips };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the outbox relay', () => {
  it('never makes a checkout wait: outbox rows commit at once while the relay is stuck publishing, and go out once the bus answers', async () => {
    await queryRows(database.url, 'DELETE FROM outbox');
    const hanging = createHangingBus();
    const received: string[] = [];
    hanging.inner.subscribe((event) => received.push(event.aggregateId));
    await commitEvent('first');
    const relay = createOutboxRelay({ pool, bus: hanging.bus, logger, pollIntervalMs: 50 });
    relay.start();
    await until(() => hanging.calls() > 0);

    const durations: number[] = [];
    for (const id of ['second', 'third', 'fourth']) durations.push(await commitEvent(id));
    expect(Math.max(...durations)).toBeLessThan(500);
    // Another replica's relay finds the lease taken and leaves the rows to its holder.
    expect(await createOutboxRelay({ pool, bus: hanging.bus, logger }).drain(0)).toBe(0);

    hanging.open();
    await until(async () => (await pendingCount()) === 0);
    await relay.stop();
    expect(received).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('backs off while publishing fails and publishes everything, in order, once the bus works again', async () => {
    await queryRows(database.url, 'DELETE FROM outbox');
    const inner = createInProcessBus();
    const received: string[] = [];
    inner.subscribe((event) => received.push(event.aggregateId));
    let down = true;
    let attempts = 0;
    const flaky: EventBus = {
      ...inner,
      async publishAll(events) {
        attempts++;
        if (down) throw new Error('bus unreachable');
        await inner.publishAll(events);
      },
    };
    const relay = createOutboxRelay({ pool, bus: flaky, logger, pollIntervalMs: 20, maxBackoffMs: 400 });
    relay.start();
    for (let i = 0; i < 5; i++) await commitEvent(String(i));
    for (let i = 0; i < 20; i++) relay.nudge();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Doubling from 20 ms up to 400 ms: a handful of tries in 1.5 s, not one per nudge or per poll.
    expect(attempts).toBeLessThan(15);
    expect(await pendingCount()).toBe(5);

    down = false;
    await until(async () => (await pendingCount()) === 0);
    await relay.stop();
    expect(received).toEqual(['0', '1', '2', '3', '4']);
  });

  it('publishes each event once, in id order, in two round trips per batch: the lease with the read, then the mark with the next read or the release', async () => {
    await queryRows(database.url, 'DELETE FROM outbox');
    const bus = createInProcessBus();
    const received: string[] = [];
    bus.subscribe((event) => received.push(event.aggregateId));
    const sent = Array.from({ length: 12 }, (_, i) => `e${i}`);
    for (const id of sent) await commitEvent(id);
    const counted = countingRoundTrips(pool);
    const relay = createOutboxRelay({ pool: counted.pool, bus, logger, batchSize: 5 });

    // Batches of 5, 5 and 2: lease and read, mark and read, mark and read, mark and release.
    expect(await relay.drain(0)).toBe(12);
    expect(counted.roundTrips()).toBe(4);
    expect(received).toEqual(sent);
    expect(await pendingCount()).toBe(0);

    // Exactly a full batch: the read after it finds nothing, and the release goes alone.
    const more = Array.from({ length: 5 }, (_, i) => `f${i}`);
    for (const id of more) await commitEvent(id);
    expect(await relay.drain(0)).toBe(5);
    expect(counted.roundTrips()).toBe(4 + 3);
    // Nothing pending: the lease and an empty read, then the release.
    expect(await relay.drain(0)).toBe(0);
    expect(counted.roundTrips()).toBe(4 + 3 + 2);
    expect(received).toEqual([...sent, ...more]);
  });

  it('spaces its runs: a nudge after a quiet spell runs at once, and nudges soon after a run share the next one', async () => {
    await queryRows(database.url, 'DELETE FROM outbox');
    const inner = createInProcessBus();
    const received: string[] = [];
    inner.subscribe((event) => received.push(event.aggregateId));
    let calls = 0;
    const bus: EventBus = {
      ...inner,
      async publishAll(events) {
        calls++;
        await inner.publishAll(events);
      },
    };
    const relay = createOutboxRelay({ pool, bus, logger, minRunIntervalMs: 400 });
    await commitEvent('a');
    relay.nudge();
    await until(() => received.length === 1, 2_000);
    for (const id of ['b', 'c', 'd']) {
      await commitEvent(id);
      relay.nudge();
    }
    await until(() => received.length === 4);
    await relay.stop();
    expect(received).toEqual(['a', 'b', 'c', 'd']);
    expect(calls).toBe(2);
  });

  it('keeps id order with two relays on one outbox: one holds the lease, and every event goes out', async () => {
    await queryRows(database.url, 'DELETE FROM outbox');
    const bus = createInProcessBus();
    const received: string[] = [];
    bus.subscribe((event) => received.push(event.aggregateId));
    const relays = [1, 2].map(() => createOutboxRelay({ pool, bus, logger, pollIntervalMs: 10, batchSize: 7 }));
    for (const relay of relays) relay.start();
    const sent: string[] = [];
    for (let i = 0; i < 60; i++) {
      sent.push(String(i));
      await commitEvent(String(i));
      for (const relay of relays) relay.nudge();
    }
    await until(async () => (await pendingCount()) === 0);
    await Promise.all(relays.map((relay) => relay.stop()));
    expect(received).toEqual(sent);
  });
});
