import { randomUUID } from 'node:crypto';

// BehaviourRecorded is a notification, not an outbox event: activity publishes one per written batch of behaviour
// events (counts only) so that live funnels refresh; losing one delays a refresh, never a figure.
export const eventTypes = ['OrderPlaced', 'OrderStatusChanged', 'StockChanged', 'UserSignedUp', 'BehaviourRecorded'] as const;
export type EventType = (typeof eventTypes)[number];

/** What travels on the bus: entity keys and the few facts a live view needs, never whole rows. */
export interface DomainEvent<P = Record<string, unknown>> {
  readonly id: string;
  readonly type: EventType;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly occurredAt: string;
  readonly payload: P;
  /** The W3C trace context of its publish, when traced: the live path continues the trace of the change. */
  readonly traceContext?: Record<string, string>;
}

export function newEventId(): string {
  return randomUUID();
}

/** Remembers the last `capacity` event ids so at-least-once delivery becomes once per consumer. */
export function createDeduplicator(capacity = 10_000): (eventId: string) => boolean {
  const seen = new Set<string>();
  return (eventId) => {
    if (seen.has(eventId)) return false;
    seen.add(eventId);
    if (seen.size > capacity) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
}
