import { describe, expect, it } from 'vitest';
import { createCoalescingWriter, type CoalescingTarget, type PendingUpdate } from './coalescing-writer';

const update = (n: number): PendingUpdate => ({ eventId: `e${n}`, position: String(n), payload: `[${n}]`, item: { n }, errors: [] });
const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function targets(count: number, merge: CoalescingTarget['merge'], behind = () => false) {
  return Array.from({ length: count }, () => {
    const sent: string[] = [];
    const target: CoalescingTarget & { sent: string[]; givenUp: boolean } = {
      sent,
      givenUp: false,
      send: (payload) => void sent.push(payload),
      flow: { behind, giveUp: () => void (target.givenUp = true) },
      merge,
      onSent: () => undefined,
    };
    return target;
  });
}

describe('the coalescing writer', () => {
  it('sends a subscriber it has not reached yet everything pending in one message, merged once for subscribers equally far behind', async () => {
    let merges = 0;
    const merge = (updates: readonly PendingUpdate[]) => {
      merges += 1;
      return `[${updates.map((pending) => pending.item['n']).join(',')}]`;
    };
    // A slice of 0 ms writes one subscriber per turn of the event loop: a fan-out slower than the events.
    const writer = createCoalescingWriter({ sliceMs: 0 });
    const [a, b, c] = targets(3, merge) as [ReturnType<typeof targets>[number], ReturnType<typeof targets>[number], ReturnType<typeof targets>[number]];
    for (const target of [a, b, c]) writer.enqueue(target, update(1));
    await turn();
    for (const target of [a, b, c]) writer.enqueue(target, update(2));
    while (writer.backlog > 0) await turn();
    expect(a.sent).toEqual(['[1]', '[2]']);
    expect(b.sent).toEqual(['[1,2]']);
    expect(c.sent).toEqual(['[1,2]']);
    expect(merges).toBe(1);
    writer.stop();
  });

  it('enqueues one update for a whole group, holding it for those behind, and flushes held writes after each slice', async () => {
    let flushes = 0;
    const writer = createCoalescingWriter({ retryMs: 10 });
    const merge = (updates: readonly PendingUpdate[]) => `[${updates.map((pending) => pending.item['n']).join(',')}]`;
    let behind = true;
    const [slow] = targets(1, merge, () => behind);
    const group = [...targets(3, merge), slow!];
    for (const target of group) (target.flow as { flush?: () => void }).flush = () => void (flushes += 1);
    const feed = writer.createFeed();
    for (const target of group) feed.join(target);
    feed.enqueueAll(update(1));
    feed.enqueueAll(update(2));
    await expect.poll(() => group.slice(0, 3).map((target) => target.sent)).toEqual([['[1,2]'], ['[1,2]'], ['[1,2]']]);
    expect(slow!.sent).toEqual([]);
    expect(flushes).toBeGreaterThan(0);
    behind = false;
    await expect.poll(() => slow!.sent, { timeout: 2_000 }).toEqual(['[1,2]']);
    writer.stop();
  });

  it('keeps a feed’s order when one of its subscribers is also given an update of its own, and sends a subscriber that left nothing more', async () => {
    const writer = createCoalescingWriter({ retryMs: 10 });
    const merge = (updates: readonly PendingUpdate[]) => `[${updates.map((pending) => pending.item['n']).join(',')}]`;
    let behind = true;
    const [alone, leaving, late] = targets(3, merge, () => behind);
    const feed = writer.createFeed();
    feed.join(alone!);
    feed.join(leaving!);
    feed.enqueueAll(update(1));
    writer.enqueue(alone!, update(2));
    feed.enqueueAll(update(3));
    feed.leave(leaving!);
    // A subscriber that joins later gets only what comes after.
    feed.join(late!);
    feed.enqueueAll(update(4));
    await sleep(30);
    behind = false;
    await expect.poll(() => [alone!.sent, late!.sent], { timeout: 2_000 }).toEqual([['[1,2,3,4]'], ['[4]']]);
    expect(leaving!.sent).toEqual([]);
    expect(writer.backlog).toBe(0);
    writer.stop();
  });

  it('gives up on a feed’s subscriber that stopped reading once it has more pending than the bound', async () => {
    const writer = createCoalescingWriter({ maxPending: 3, retryMs: 5 });
    const [reading, stuck] = targets(2, () => 'merged');
    (stuck!.flow as { behind: () => boolean }).behind = () => true;
    const feed = writer.createFeed();
    feed.join(reading!);
    feed.join(stuck!);
    for (const n of [1, 2, 3, 4]) {
      feed.enqueueAll(update(n));
      await sleep(15);
    }
    await expect.poll(() => stuck!.givenUp, { timeout: 2_000 }).toBe(true);
    expect(reading!.sent.join('')).not.toBe('');
    expect(stuck!.sent).toEqual([]);
    writer.stop();
  });

  it('holds the updates of a subscriber whose socket is behind and sends them together once it caught up', async () => {
    let behind = true;
    const writer = createCoalescingWriter({ retryMs: 10 });
    const [target] = targets(
      1,
      (updates) => `[${updates.map((pending) => pending.item['n']).join(',')}]`,
      () => behind,
    );
    for (const n of [1, 2, 3]) writer.enqueue(target!, update(n));
    await sleep(50);
    expect(target!.sent).toEqual([]);
    behind = false;
    await expect.poll(() => target!.sent, { timeout: 2_000 }).toEqual(['[1,2,3]']);
    writer.stop();
  });

  it('gives up on a subscriber with more updates pending than the bound and forgets them', async () => {
    const writer = createCoalescingWriter({ maxPending: 3 });
    const [target] = targets(
      1,
      () => 'merged',
      () => true,
    );
    for (const n of [1, 2, 3]) writer.enqueue(target!, update(n));
    expect(target!.givenUp).toBe(false);
    writer.enqueue(target!, update(4));
    expect(target!.givenUp).toBe(true);
    expect(writer.backlog).toBe(0);
    writer.stop();
  });

  it('paces its passes: the next waits out the share of time the last one took, and what arrives meanwhile leaves in one message', async () => {
    const busy = (ms: number) => {
      for (const until = performance.now() + ms; performance.now() < until;);
    };
    // Each write takes 5 ms: a pass over 3 subscribers about 15 ms, so at a duty of 0.25 the next begins 60 ms after it.
    const writer = createCoalescingWriter({ sliceMs: 100, passDuty: 0.25 });
    const all = targets(3, (updates) => `[${updates.map((pending) => pending.item['n']).join(',')}]`);
    for (const target of all) {
      const send = target.send;
      (target as { send: (payload: string) => void }).send = (payload) => {
        busy(5);
        send(payload);
      };
    }
    const started = performance.now();
    for (const target of all) writer.enqueue(target, update(1));
    await turn();
    expect(all.map((target) => target.sent)).toEqual([['[1]'], ['[1]'], ['[1]']]);
    for (const n of [2, 3, 4]) {
      for (const target of all) writer.enqueue(target, update(n));
      await sleep(5);
    }
    expect(all[0]!.sent).toEqual(['[1]']);
    await expect.poll(() => all.every((target) => target.sent.length === 2), { timeout: 2_000, interval: 2 }).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(all.map((target) => target.sent)).toEqual(Array.from({ length: 3 }, () => ['[1]', '[2,3,4]']));
    writer.stop();
  });

  it('writes a subscriber that keeps up at once when the passes are short', async () => {
    const writer = createCoalescingWriter();
    const [target] = targets(1, () => 'merged');
    for (const n of [1, 2, 3]) {
      writer.enqueue(target!, update(n));
      await sleep(5);
      expect(target!.sent.at(-1)).toBe(`[${n}]`);
    }
    writer.stop();
  });

  it('rests at most maxRestMs between passes, however long the last one took', async () => {
    const writer = createCoalescingWriter({ passDuty: 0.01, maxRestMs: 30 });
    const [target] = targets(1, (updates) => `[${updates.map((pending) => pending.item['n']).join(',')}]`);
    const send = target!.send;
    (target as { send: (payload: string) => void }).send = (payload) => {
      for (const until = performance.now() + 10; performance.now() < until;);
      send(payload);
    };
    writer.enqueue(target!, update(1));
    await turn();
    const ended = performance.now();
    writer.enqueue(target!, update(2));
    // At a duty of 0.01 a 10 ms pass would rest about a second; the bound lets the next begin within about 30 ms.
    await expect.poll(() => target!.sent.length, { timeout: 500, interval: 2 }).toBe(2);
    expect(performance.now() - ended).toBeLessThan(400);
    writer.stop();
  });
});
