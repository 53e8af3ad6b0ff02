import { describe, expect, it } from 'vitest';
import { sessionStage, sessionUpdatesOf } from './session-updates';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 10, 12, minute));

describe('sessionUpdatesOf', () => {
  it('keeps the earliest start, latest activity, furthest stage and last addition of each session, in session order', () => {
    const updates = sessionUpdatesOf([
      { sessionId: 'session-b', userId: null, kind: 'ADDED_TO_CART', occurredAt: at(5) },
      { sessionId: 'session-a', userId: null, kind: 'PRODUCT_VIEWED', occurredAt: at(3) },
      { sessionId: 'session-b', userId: 7, kind: 'SESSION_STARTED', occurredAt: at(1) },
      { sessionId: 'session-b', userId: null, kind: 'SEARCHED', occurredAt: at(9) },
      { sessionId: 'session-b', userId: null, kind: 'ADDED_TO_CART', occurredAt: at(2) },
    ]);
    expect(updates).toEqual([
      { sessionId: 'session-a', userId: null, startedAt: at(3), lastSeenAt: at(3), furthestStage: sessionStage.productView, lastCartAt: null },
      { sessionId: 'session-b', userId: 7, startedAt: at(1), lastSeenAt: at(9), furthestStage: sessionStage.cart, lastCartAt: at(5) },
    ]);
  });
});
