import { once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessBus, type LoggedEvent } from './bus';
import { newEventId, type DomainEvent } from './events';
import { createBusReplica, shareBus } from './thread-bus';

const event = (aggregateId: string): DomainEvent => ({
  id: newEventId(),
  type: 'OrderPlaced',
  aggregateType: 'Order',
  aggregateId,
  occurredAt: new Date().toISOString(),
  payload: { orderId: aggregateId, lines: [{ quantity: 2 }] },
});

describe('the in-process event log', () => {
  it('delivers each event with a position that grows by one', async () => {
    const bus = createInProcessBus();
    const seen: LoggedEvent[] = [];
    bus.subscribe((logged) => seen.push(logged));
    for (const id of ['1', '2', '3']) await bus.publish(event(id));
    expect(seen.map((logged) => [logged.aggregateId, logged.position])).toEqual([
      ['1', '1'],
      ['2', '2'],
      ['3', '3'],
    ]);
  });

  it('appends a batch in order with publishAll', async () => {
    const bus = createInProcessBus();
    const seen: string[] = [];
    bus.subscribe((logged) => seen.push(`${logged.aggregateId}@${logged.position}`));
    await bus.publishAll([event('a'), event('b'), event('c')]);
    expect(seen).toEqual(['a@1', 'b@2', 'c@3']);
  });

  it('reads back the events after a position, at most `limit` of them', async () => {
    const bus = createInProcessBus();
    for (const id of ['a', 'b', 'c', 'd']) await bus.publish(event(id));
    const read = await bus.readAfter('1', 2);
    expect(read.tooOld).toBe(false);
    expect(read.tooOld ? [] : read.events.map((logged) => logged.aggregateId)).toEqual(['b', 'c']);
    const rest = await bus.readAfter('4', 10);
    expect(rest).toEqual({ tooOld: false, events: [] });
    const all = await bus.readAfter('0', 10);
    expect(all.tooOld ? [] : all.events.map((logged) => logged.position)).toEqual(['1', '2', '3', '4']);
  });

  it('keeps only the last maxLength events and answers tooOld for a position whose successors were dropped', async () => {
    const bus = createInProcessBus({ maxLength: 3 });
    for (let i = 1; i <= 5; i++) await bus.publish(event(String(i)));
    expect(await bus.readAfter('1', 10)).toEqual({ tooOld: true });
    const kept = await bus.readAfter('2', 10);
    expect(kept.tooOld ? [] : kept.events.map((logged) => logged.aggregateId)).toEqual(['3', '4', '5']);
  });

  it('answers tooOld for a position it never gave (from a process before this one)', async () => {
    const bus = createInProcessBus();
    await bus.publish(event('x'));
    expect(await bus.readAfter('99', 10)).toEqual({ tooOld: true });
  });

  it('tells positions from other strings', () => {
    const bus = createInProcessBus();
    expect(bus.isPosition('12')).toBe(true);
    for (const value of ['', '-1', '1.5', 'abc', '1-0', 12, null, '9'.repeat(40)]) expect(bus.isPosition(value)).toBe(false);
  });

  it('stops delivering to a handler once it unsubscribed', async () => {
    const bus = createInProcessBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe((logged) => seen.push(logged.aggregateId));
    await bus.publish(event('kept'));
    unsubscribe();
    await bus.publish(event('missed'));
    expect(seen).toEqual(['kept']);
  });
});

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

function sharedPair(maxLength?: number) {
  const channel = new MessageChannel();
  channels.push(channel);
  const source = createInProcessBus(maxLength ? { maxLength } : {});
  shareBus(source, channel.port1);
  const replica = createBusReplica(channel.port2, maxLength ? { maxLength } : {});
  return { source, replica, port: channel.port2 };
}

async function receive(replica: ReturnType<typeof createBusReplica>, count: number): Promise<LoggedEvent[]> {
  const seen: LoggedEvent[] = [];
  return new Promise((resolve) => {
    const unsubscribe = replica.subscribe((logged) => {
      seen.push(logged);
      if (seen.length === count) {
        unsubscribe();
        resolve(seen);
      }
    });
  });
}

describe('a bus shared with another thread', () => {
  it('delivers the source events to the replica in order, at the positions the source gave them', async () => {
    const { source, replica } = sharedPair();
    const received = receive(replica, 3);
    await source.publishAll([event('a'), event('b')]);
    await source.publish(event('c'));
    const seen = await received;
    expect(seen.map((logged) => [logged.aggregateId, logged.position])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(seen[0]!.payload).toEqual({ orderId: 'a', lines: [{ quantity: 2 }] });
  });

  it('lets a subscriber of the replica resume after a position, and says when that position has left the log', async () => {
    const { source, replica } = sharedPair(3);
    const received = receive(replica, 5);
    await source.publishAll(['a', 'b', 'c', 'd', 'e'].map(event));
    await received;
    const read = await replica.readAfter('3', 10);
    expect(read.tooOld ? [] : read.events.map((logged) => logged.aggregateId)).toEqual(['d', 'e']);
    expect(await replica.readAfter('1', 10)).toEqual({ tooOld: true });
    expect(replica.isPosition('4')).toBe(true);
    expect(replica.comparePositions('10', '9')).toBeGreaterThan(0);
  });

  it('appends what is published on the replica to the source, which sends it back once logged', async () => {
    const { source, replica } = sharedPair();
    const onSource: string[] = [];
    source.subscribe((logged) => onSource.push(`${logged.aggregateId}@${logged.position}`));
    const received = receive(replica, 2);
    await replica.publishAll([event('x'), event('y')]);
    expect((await received).map((logged) => `${logged.aggregateId}@${logged.position}`)).toEqual(['x@1', 'y@2']);
    expect(onSource).toEqual(['x@1', 'y@2']);
  });

  it('stops delivering once the replica is closed', async () => {
    const { source, replica, port } = sharedPair();
    const seen: string[] = [];
    replica.subscribe((logged) => seen.push(logged.aggregateId));
    await replica.close();
    const sent = once(port, 'message');
    await source.publish(event('late'));
    await sent;
    expect(seen).toEqual([]);
  });
});
