import { describe, expect, it } from 'vitest';
import { formatVerdict, judgeSoak, type ProcessMemory } from './judgement';

const MB = 1024 * 1024;
const processes = (rss: number, heap: number): Record<string, ProcessMemory> => ({
  gateway: { rssBytes: rss * MB, heapUsedBytes: heap * MB },
  orders: { rssBytes: 150 * MB, heapUsedBytes: 60 * MB },
});
// The first interval warms up (higher or lower); the second is the reference.
const flat = [processes(300, 90), processes(250, 100), processes(260, 104), processes(270, 108)];

const judged = (outcome: Partial<Parameters<typeof judgeSoak>[0]>) =>
  judgeSoak({ memory: flat, backlogAfterDrain: 0, errors: new Map(), ...outcome }).map(({ name, passed }) => [name.split(' ')[0], passed]);

describe('soak judgement', () => {
  it('passes a run whose memory stayed flat, whose backlog emptied and that saw only OUT_OF_STOCK', () => {
    const verdicts = judgeSoak({ memory: flat, backlogAfterDrain: 0, errors: new Map([['OUT_OF_STOCK', 12]]) });
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, true]);
    expect(verdicts[2]!.detail).toBe('only OUT_OF_STOCK=12');
    expect(formatVerdict(verdicts[1]!)).toBe('PASS  outbox backlog back to zero: every outbox row was published');
  });

  it('compares the last interval with the second, not the first, and lets memory fall', () => {
    expect(judged({ memory: [processes(100, 50), processes(250, 100), processes(270, 109)] })[0]).toEqual(['memory', true]);
    expect(judged({ memory: [processes(250, 100), processes(250, 100), processes(120, 40)] })[0]).toEqual(['memory', true]);
  });

  it('fails when any process grew more than 10 % in RSS or heap, naming it', () => {
    const rss = judgeSoak({ memory: [...flat, processes(276, 100)], backlogAfterDrain: 0, errors: new Map() })[0]!;
    expect(rss.passed).toBe(false);
    expect(rss.detail).toBe('gateway RSS 250 MB -> 276 MB (+10.4 %)');
    const heap = judgeSoak({ memory: [...flat, processes(250, 111)], backlogAfterDrain: 0, errors: new Map() })[0]!;
    expect(heap.passed).toBe(false);
    expect(heap.detail).toBe('gateway heap 100 MB -> 111 MB (+11.0 %)');
  });

  it('cannot call memory flat from fewer than three intervals, nor when a process went missing', () => {
    expect(judgeSoak({ memory: flat.slice(0, 2), backlogAfterDrain: 0, errors: new Map() })[0]).toMatchObject({
      passed: false,
      detail: expect.stringContaining('got 2'),
    });
    const { orders: _gone, ...gatewayOnly } = processes(250, 100);
    expect(judgeSoak({ memory: [...flat, gatewayOnly], backlogAfterDrain: 0, errors: new Map() })[0]).toMatchObject({
      passed: false,
      detail: 'orders reported nothing in the last interval',
    });
  });

  it('fails when the outbox did not empty or could not be read', () => {
    expect(judgeSoak({ memory: flat, backlogAfterDrain: 3, errors: new Map() })[1]).toMatchObject({ passed: false, detail: '3 rows still unpublished' });
    expect(judgeSoak({ memory: flat, backlogAfterDrain: null, errors: new Map() })[1]!.passed).toBe(false);
  });

  it('fails on any error but OUT_OF_STOCK, listing the unexpected ones', () => {
    const errors = new Map([
      ['OUT_OF_STOCK', 4],
      ['SOCKET_CLOSED_1006', 2],
      ['INTERNAL_SERVER_ERROR', 1],
    ]);
    expect(judgeSoak({ memory: flat, backlogAfterDrain: 0, errors })[2]).toMatchObject({
      passed: false,
      detail: 'unexpected: INTERNAL_SERVER_ERROR=1, SOCKET_CLOSED_1006=2',
    });
    expect(judgeSoak({ memory: flat, backlogAfterDrain: 0, errors: new Map() })[2]).toMatchObject({ passed: true, detail: 'no error at all' });
  });
});
