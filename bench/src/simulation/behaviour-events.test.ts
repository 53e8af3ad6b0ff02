import { describe, expect, it } from 'vitest';
import { behaviourEventOf, createEventBatcher, type BehaviourEventInput } from './behaviour-events';

const event = (n: number): BehaviourEventInput =>
  behaviourEventOf({ kind: 'PRODUCT_VIEWED', afterMs: 0, path: `/products/${n}`, productId: String(n) }, 'session-0001', new Date(0), `event-${n}`);

describe('behaviour events', () => {
  it('carry only the fields their step has, stamped with when it happened', () => {
    expect(event(7)).toEqual({
      eventId: 'event-7',
      kind: 'PRODUCT_VIEWED',
      sessionId: 'session-0001',
      occurredAt: '1970-01-01T00:00:00.000Z',
      path: '/products/7',
      productId: '7',
    });
    const checkout = behaviourEventOf(
      { kind: 'CHECKOUT_STARTED', afterMs: 10, path: '/checkout', cartValue: { amount: 1_250, currency: 'EUR' } },
      'session-0001',
      new Date(0),
    );
    expect(checkout.cartValue).toEqual({ amount: 1_250, currency: 'EUR' });
    expect(checkout.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('go out in full batches at once and the rest after the delay', async () => {
    const sent: number[] = [];
    const batcher = createEventBatcher({ maxDelayMs: 30, maxBatch: 100, send: async (events) => void sent.push(events.length) });
    for (let n = 0; n < 250; n++) batcher.add(event(n));
    expect(sent).toEqual([100, 100]);
    expect(batcher.queued).toBe(50);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sent).toEqual([100, 100, 50]);
    expect(batcher.queued).toBe(0);
  });

  it('sends what is left on flush and waits for the batches in flight', async () => {
    const done: number[] = [];
    const batcher = createEventBatcher({
      maxDelayMs: 60_000,
      send: (events) => new Promise<void>((resolve) => setTimeout(() => resolve(void done.push(events.length)), 20)),
    });
    for (let n = 0; n < 3; n++) batcher.add(event(n));
    await batcher.flush();
    expect(done).toEqual([3]);
  });
});
