import { describe, expect, it } from 'vitest';
import { createSyntheticSessions } from './synthetic-sessions';

describe('synthetic sessions', () => {
  it('fill a batch of 100 events with 20 new sessions, each started before its views', () => {
    const next = createSyntheticSessions(['1', '2', '3']);
    const { events, sessions } = next(new Date(0));
    expect(events).toHaveLength(100);
    expect(sessions).toBe(20);
    const ids = [...new Set(events.map((event) => event.sessionId))];
    expect(ids).toHaveLength(20);
    for (const id of ids) {
      const own = events.filter((event) => event.sessionId === id);
      expect(own.map((event) => event.kind)).toEqual(['SESSION_STARTED', 'PRODUCT_VIEWED', 'PRODUCT_VIEWED', 'PRODUCT_VIEWED', 'PRODUCT_VIEWED']);
      expect(id.length).toBeGreaterThanOrEqual(8);
      expect(id.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(events.map((event) => event.eventId)).size).toBe(100);
  });

  it('never repeats a session across batches', () => {
    const next = createSyntheticSessions(['1']);
    const first = new Set(next().events.map((event) => event.sessionId));
    expect(next().events.some((event) => first.has(event.sessionId))).toBe(false);
  });
});
