import { describe, expect, it } from 'vitest';
import { countTicks, tickTimesOf } from './subscriber-protocol';

const one =
  '{"id":"1","type":"next","payload":{"data":{"salesTicks":{"at":"2026-01-01T00:00:00.000Z","order":{"id":"7"}}},"extensions":{"eventPosition":"3"}}}';
const coalesced =
  '{"id":"1","type":"next","payload":{"data":{"salesTicks":{"ticks":[' +
  '{"at":"2026-01-01T00:00:00.000Z","order":{"id":"8"}},{"at":"2026-01-01T00:00:01.000Z","order":{"id":"9"}}]}},"extensions":{"eventPosition":"5"}}}';

describe('reading ticks off live messages', () => {
  it('counts one tick in a plain message and every tick of a coalesced one', () => {
    expect(countTicks(one)).toBe(1);
    expect(countTicks(coalesced)).toBe(2);
    expect(countTicks(Buffer.from(coalesced))).toBe(2);
    expect(countTicks(Buffer.from(one))).toBe(1);
    // A marker cut short at the end, or a near miss, is no tick.
    expect(countTicks(Buffer.from('{"a":"x","at":"1","at":'))).toBe(1);
    expect(countTicks(Buffer.from('""at":"1"'))).toBe(1);
  });

  it('gives each tick its order id and commit time', () => {
    expect(tickTimesOf(one)).toEqual([{ orderId: '7', at: '2026-01-01T00:00:00.000Z' }]);
    expect(tickTimesOf(coalesced)).toEqual([
      { orderId: '8', at: '2026-01-01T00:00:00.000Z' },
      { orderId: '9', at: '2026-01-01T00:00:01.000Z' },
    ]);
  });
});
