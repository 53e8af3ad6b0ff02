import { describe, expect, it } from 'vitest';
import { createResumablePayload } from './resume-position';

const sent = (payload: unknown) => JSON.parse(JSON.stringify(payload)) as { query: string; extensions: { resumeAfter?: string } };

describe('resume position of a live subscription', () => {
  it('subscribes the first time without a position', () => {
    const { payload } = createResumablePayload('subscription { salesTicks { at } }');
    expect(sent(payload)).toEqual({ query: 'subscription { salesTicks { at } }', extensions: {} });
  });

  it('resubscribes after the last event position it received', () => {
    const resumable = createResumablePayload('subscription { salesTicks { at } }');
    resumable.seen({ eventPosition: '1764421200000-0' });
    resumable.seen({ eventPosition: '1764421200000-1' });
    expect(sent(resumable.payload).extensions).toEqual({ resumeAfter: '1764421200000-1' });
  });

  it('keeps its position through updates that carry none, such as the periodic statistics', () => {
    const resumable = createResumablePayload('subscription { salesTicks { at } }');
    resumable.seen({ eventPosition: '42' });
    resumable.seen(undefined);
    resumable.seen({});
    resumable.seen({ eventPosition: 7 });
    expect(sent(resumable.payload).extensions).toEqual({ resumeAfter: '42' });
  });
});
