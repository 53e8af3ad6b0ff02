import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createRedisBus, newEventId, type DomainEvent, type EventBus, type LoggedEvent } from '@rtc/service-kit';
import { startPrivateRedis, type PrivateServer } from '@rtc/testkit';

const logger = createLogger({ service: 'test', level: 'silent' });
let redis: PrivateServer;
const buses: EventBus[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
});

afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  await redis?.close();
});

function openBus(stream: string, maxLength?: number): EventBus {
  const bus = createRedisBus({ url: redis.url, logger, stream, maxLength });
  buses.push(bus);
  return bus;
}

const event = (aggregateId: string): DomainEvent => ({
  id: newEventId(),
  type: 'OrderPlaced',
  aggregateType: 'Order',
  aggregateId,
  occurredAt: new Date().toISOString(),
  payload: { orderId: aggregateId },
});

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const idsOf = (events: readonly LoggedEvent[]) => events.map((logged) => logged.aggregateId);

describe('the Redis stream event log', () => {
  it('gives a durable consumer restarted under the same name the events published while it was away, once', async () => {
    const stream = `rtc:test:log:${newEventId()}`;
    const publisher = openBus(stream);
    const first = openBus(stream);
    const seen: LoggedEvent[] = [];
    first.subscribe((logged) => seen.push(logged), { consumer: 'analytics' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const id of ['1', '2']) await publisher.publish(event(id));
    await until(() => seen.length === 2);
    await first.close();

    for (const id of ['3', '4', '5']) await publisher.publish(event(id));
    const again = openBus(stream);
    const caughtUp: LoggedEvent[] = [];
    again.subscribe((logged) => caughtUp.push(logged), { consumer: 'analytics' });
    await until(() => caughtUp.length >= 3);
    await publisher.publish(event('6'));
    await until(() => caughtUp.length >= 4);
    expect(idsOf(caughtUp)).toEqual(['3', '4', '5', '6']);
    // Positions are stream ids, increasing.
    expect(caughtUp.every((logged, i) => i === 0 || again.comparePositions(caughtUp[i - 1]!.position, logged.position) < 0)).toBe(true);
  });

  it("acknowledges a durable consumer's position only once the promises its handler returned settle", async () => {
    const stream = `rtc:test:log:${newEventId()}`;
    const publisher = openBus(stream);
    const first = openBus(stream);
    const seen: string[] = [];
    // The first event is handled at once; the writes of the next two never finish, as if the process died first.
    first.subscribe(
      (logged) => {
        seen.push(logged.aggregateId);
        return logged.aggregateId === '0' ? Promise.resolve() : new Promise<void>(() => undefined);
      },
      { consumer: 'facts' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await publisher.publish(event('0'));
    await until(() => seen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const id of ['1', '2']) await publisher.publish(event(id));
    // The loop waits on the first unfinished batch, so '2' may not even be read.
    await until(() => seen.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.close();

    const again = openBus(stream);
    const redelivered: LoggedEvent[] = [];
    again.subscribe((logged) => redelivered.push(logged), { consumer: 'facts' });
    await until(() => redelivered.length >= 2);
    expect(idsOf(redelivered)).toEqual(['1', '2']);
  });

  it('keeps a consumer reading through a Redis restart: the events published after Redis returns all arrive', async () => {
    const stream = `rtc:test:log:${newEventId()}`;
    const publisher = openBus(stream);
    const consumer = openBus(stream);
    const seen: LoggedEvent[] = [];
    consumer.subscribe((logged) => seen.push(logged));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await publisher.publish(event('before'));
    await until(() => seen.length === 1);

    await redis.stop({ kill: true });
    await expect(publisher.publish(event('lost'))).rejects.toThrow();
    await redis.start();
    for (const id of ['after-1', 'after-2']) {
      await retry(() => publisher.publish(event(id)));
    }
    await until(() => seen.length === 3);
    expect(idsOf(seen)).toEqual(['before', 'after-1', 'after-2']);
  });

  it('reads back the events after a position, and answers tooOld once trimming has passed it', async () => {
    const stream = `rtc:test:log:${newEventId()}`;
    const bus = openBus(stream, 1_000);
    const positions: string[] = [];
    bus.subscribe((logged) => positions.push(logged.position));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 5; i++) await bus.publish(event(String(i)));
    await until(() => positions.length === 5);
    const read = await bus.readAfter(positions[1]!, 2);
    expect(read.tooOld ? [] : idsOf(read.events)).toEqual(['2', '3']);
    expect(read.tooOld ? [] : read.events.map((logged) => logged.position)).toEqual(positions.slice(2, 4));

    // In steps the subscriber keeps up with: on a busy machine it could otherwise fall more than the log's length
    // behind and lose events to trimming, which is what tooOld reports to a reader and not what this subscriber tests.
    for (let i = 5; i < 2_500; i++) {
      await bus.publish(event(String(i)));
      if ((i + 1) % 250 === 0) await until(() => positions.length === i + 1);
    }
    expect(await bus.readAfter(positions[0]!, 10)).toEqual({ tooOld: true });
    await until(() => positions.length === 2_500);
    const recent = await bus.readAfter(positions[2_497]!, 10);
    expect(recent.tooOld ? [] : idsOf(recent.events)).toEqual(['2498', '2499']);
    expect(bus.isPosition(positions[0])).toBe(true);
    expect(bus.isPosition('12')).toBe(false);
  });
});

async function retry(work: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
