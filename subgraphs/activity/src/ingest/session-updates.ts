import type { BehaviourEventKind } from '../db/schema';

/** Funnel stages a session's own events reach, in order; PURCHASE comes from orders, not from events. */
export const sessionStage = { session: 0, productView: 1, cart: 2, checkout: 3 } as const;

export function stageOfKind(kind: BehaviourEventKind): number {
  switch (kind) {
    case 'PRODUCT_VIEWED':
      return sessionStage.productView;
    case 'ADDED_TO_CART':
      return sessionStage.cart;
    case 'CHECKOUT_STARTED':
      return sessionStage.checkout;
    default:
      return sessionStage.session;
  }
}

export interface SessionEvent {
  readonly sessionId: string;
  readonly userId: number | null;
  readonly kind: BehaviourEventKind;
  readonly occurredAt: Date;
}

export interface SessionUpdate {
  readonly sessionId: string;
  userId: number | null;
  startedAt: Date;
  lastSeenAt: Date;
  furthestStage: number;
  lastCartAt: Date | null;
}

/** What a flush's events change in each session they touch, in session id order (the order rows are locked in). */
export function sessionUpdatesOf(events: readonly SessionEvent[]): SessionUpdate[] {
  const bySession = new Map<string, SessionUpdate>();
  for (const event of events) {
    const at = event.occurredAt;
    const cartAt = event.kind === 'ADDED_TO_CART' ? at : null;
    const update = bySession.get(event.sessionId);
    if (!update) {
      bySession.set(event.sessionId, {
        sessionId: event.sessionId,
        userId: event.userId,
        startedAt: at,
        lastSeenAt: at,
        furthestStage: stageOfKind(event.kind),
        lastCartAt: cartAt,
      });
      continue;
    }
    update.userId = event.userId ?? update.userId;
    if (at < update.startedAt) update.startedAt = at;
    if (at > update.lastSeenAt) update.lastSeenAt = at;
    update.furthestStage = Math.max(update.furthestStage, stageOfKind(event.kind));
    if (cartAt && (!update.lastCartAt || cartAt > update.lastCartAt)) update.lastCartAt = cartAt;
  }
  return [...bySession.values()].sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
}
