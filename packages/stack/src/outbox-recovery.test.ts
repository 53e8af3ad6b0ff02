import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersMigrations } from '@rtc/orders';
import { createDeduplicator, createLogger, createMysqlPool, createOutboxRelay, createRedisBus, type DomainEvent, type EventBus } from '@rtc/service-kit';
import { createTestDatabase, queryRows, type TestDatabase } from '@rtc/testkit';

const redisUrl = 'redis://127.0.0.1:6379';
const logger = createLogger({ service: 'test', level: 'silent' });
let database: TestDatabase;
const buses: EventBus[] = [];

beforeAll(async () => {
  database = await createTestDatabase('outbox', ordersMigrations);
});

afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  await database?.drop();
});

function runChild(script: string, args: string[]): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

/** A consumer on its own Redis connection that keeps what it received and what it acted on. */
function createConsumer(channel: string) {
  const bus = createRedisBus({ url: redisUrl, logger, stream: channel });
  buses.push(bus);
  const isNew = createDeduplicator();
  const received: DomainEvent[] = [];
  const handled: DomainEvent[] = [];
  bus.subscribe((event) => {
    received.push(event);
    if (isNew(event.id)) handled.push(event);
  });
  return { received, handled };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('the outbox after a crash', () => {
  it('publishes an event committed by a process killed before publishing, once per consumer', async () => {
    const channel = `rtc:test:${Date.now()}`;
    const dashboard = createConsumer(channel);
    const analytics = createConsumer(channel);
    await settle();

    expect(await runChild('./crash/commit-then-die.ts', [database.url, '4242'])).toBe('SIGKILL');
    const [pending] = await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL');
    expect(pending!.n).toBe(1);

    // The restarted service's relay finds the row and publishes it.
    const pool = createMysqlPool({ url: database.url, connectionLimit: 2 });
    const publisher = createRedisBus({ url: redisUrl, logger, stream: channel });
    buses.push(publisher);
    const relay = createOutboxRelay({ pool, bus: publisher, logger });
    expect(await relay.drain()).toBe(1);
    await settle();
    for (const consumer of [dashboard, analytics]) {
      expect(consumer.handled.map((event) => event.aggregateId)).toEqual(['4242']);
    }

    // A relay that dies after publishing but before marking the row sent publishes it again; consumers drop it.
    await queryRows(database.url, 'UPDATE outbox SET published_at = NULL');
    expect(await createOutboxRelay({ pool, bus: publisher, logger }).drain()).toBe(1);
    await settle();
    for (const consumer of [dashboard, analytics]) {
      expect(consumer.received).toHaveLength(2);
      expect(consumer.handled).toHaveLength(1);
    }
    expect(await relay.drain()).toBe(0);
    await pool.end();
  });
});
