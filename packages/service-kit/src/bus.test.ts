import { describe, expect, it } from 'vitest';
import { createInProcessBus, type LoggedEvent } from './bus';
import { newEventId, type DomainEvent } from './events';

const event = (aggregateId: string): DomainEvent => ({
  id: newEventId(),
  type: 'OrderPlaced',
  aggregateType: 'Order',
  aggregateId,
  occurredAt: new Date().toISOString(),
  payload: { orderId: aggregateId },
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
