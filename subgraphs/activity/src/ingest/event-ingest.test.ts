import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, sqlQueryCount } from '@rtc/testkit';
import { asService, asUser, startTestActivity, trackEventsMutation, type TestActivity } from '../testing';

let activity: TestActivity;

beforeAll(async () => {
  activity = await startTestActivity();
});

afterAll(async () => {
  await activity?.stop();
});

const sessionId = () => `session-${randomUUID()}`;
const view = (session: string, overrides: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  kind: 'PRODUCT_VIEWED',
  sessionId: session,
  occurredAt: new Date(Date.now() - 1_000).toISOString(),
  productId: '42',
  ...overrides,
});

type Tracked = { trackEvents: { accepted: number | null; duplicates: number | null; errors: { code: string; message: string; field: string[] | null }[] } };
const track = (events: unknown[], headers: Record<string, string> = asService) => activity.call<Tracked>(trackEventsMutation, { input: { events } }, headers);

describe('trackEvents', () => {
  it('answers once its events, their session and their minute are stored', async () => {
    const session = sessionId();
    const events = [
      view(session, { kind: 'SESSION_STARTED', productId: null, path: '/' }),
      view(session),
      view(session, { kind: 'ADDED_TO_CART', quantity: 2, cartValue: { amount: 5_000, currency: 'USD' } }),
    ];
    const result = await track(events);
    expect(result.data?.trackEvents).toEqual({ accepted: 3, duplicates: 0, errors: [] });
    const stored = await activity.rows<{ kind: string; quantity: number | null; cart_amount: number | null }>(
      'SELECT kind, quantity, cart_amount FROM behaviour_events WHERE session_id = ? ORDER BY id',
      [session],
    );
    expect(stored).toEqual([
      { kind: 'SESSION_STARTED', quantity: null, cart_amount: null },
      { kind: 'PRODUCT_VIEWED', quantity: null, cart_amount: null },
      { kind: 'ADDED_TO_CART', quantity: 2, cart_amount: 5_000 },
    ]);
    const [row] = await activity.rows<{ furthest_stage: number; user_id: number | null }>('SELECT furthest_stage, user_id FROM sessions WHERE session_id = ?', [
      session,
    ]);
    expect(row).toEqual({ furthest_stage: 2, user_id: null });
  });

  it('drops replayed event ids silently, within a batch and across batches, and counts each event once in the rollups', async () => {
    const session = sessionId();
    const first = view(session);
    const before = await activity.rows<{ events: string }>("SELECT COALESCE(SUM(events), 0) AS events FROM activity_minutes WHERE kind = 'PRODUCT_VIEWED'");
    expect((await track([first, first])).data?.trackEvents).toEqual({ accepted: 1, duplicates: 1, errors: [] });
    const again = await Promise.all([track([first, view(session)]), track([first])]);
    expect(again.map((result) => result.data?.trackEvents)).toEqual([
      { accepted: 1, duplicates: 1, errors: [] },
      { accepted: 0, duplicates: 1, errors: [] },
    ]);
    expect(await activity.rows('SELECT id FROM behaviour_events WHERE session_id = ?', [session])).toHaveLength(2);
    const after = await activity.rows<{ events: string }>("SELECT COALESCE(SUM(events), 0) AS events FROM activity_minutes WHERE kind = 'PRODUCT_VIEWED'");
    expect(Number(after[0]!.events) - Number(before[0]!.events)).toBe(2);
  });

  it('refuses a batch with one bad event, naming its index, and writes none of it', async () => {
    const session = sessionId();
    const result = await track([view(session), view(session, { occurredAt: new Date(Date.now() + 3_600_000).toISOString() })]);
    expect(result.errors).toBeUndefined();
    expect(result.data?.trackEvents).toEqual({
      accepted: null,
      duplicates: null,
      errors: [
        { code: 'OCCURRED_AT_OUT_OF_RANGE', message: 'input.events[1].occurredAt: must not be in the future', field: ['input', 'events', '1', 'occurredAt'] },
      ],
    });
    expect(await activity.rows('SELECT id FROM behaviour_events WHERE session_id = ?', [session])).toEqual([]);
    expect(await activity.rows('SELECT session_id FROM sessions WHERE session_id = ?', [session])).toEqual([]);
  });

  it('refuses more than 100 events and an unknown kind', async () => {
    const session = sessionId();
    const tooMany = await track(Array.from({ length: 101 }, () => view(session)));
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const unknown = await track([view(session, { kind: 'TELEPORTED' })]);
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    const malformed = await track([view(session, { productId: 'not-a-product' })]);
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(await activity.rows('SELECT id FROM behaviour_events WHERE session_id = ?', [session])).toEqual([]);
  });

  it('links a session to the customer who sends its events once logged in, and keeps the link', async () => {
    const session = sessionId();
    await track([view(session)]);
    await track([view(session, { kind: 'ADDED_TO_CART', quantity: 1 })], asUser('CUSTOMER', '77'));
    await track([view(session)]);
    const [row] = await activity.rows<{ user_id: number }>('SELECT user_id FROM sessions WHERE session_id = ?', [session]);
    expect(row?.user_id).toBe(77);
  });

  it('writes the batches of many concurrent callers together', async () => {
    await activity.service.service.ingest.flush();
    const statementsBefore = await sqlQueryCount(activity.service.metrics);
    const sessions = Array.from({ length: 40 }, sessionId);
    const results = await Promise.all(sessions.map((session) => track([view(session), view(session)])));
    expect(results.every((result) => result.data?.trackEvents.accepted === 2)).toBe(true);
    const statements = (await sqlQueryCount(activity.service.metrics)) - statementsBefore;
    // One flush is four statements (read ids, insert, sessions, minutes) 40 separate flushes would be 160.
    expect(statements).toBeLessThan(100);
    expect(await activity.rows('SELECT id FROM behaviour_events WHERE session_id IN (?)', [sessions])).toHaveLength(80);
  });
});
