import { randomBytes } from 'node:crypto';
import { behaviourEventOf, MAX_EVENTS_PER_BATCH, type BehaviourEventInput } from '../simulation/behaviour-events';

export interface SessionBatch {
  readonly events: BehaviourEventInput[];
  /** New sessions the batch starts: each is one more visitor in liveVisitors and funnelStats. */
  readonly sessions: number;
}

/**
 * Full trackEvents batches for the ingest benchmark: each starts `sessionsPerBatch` new sessions, each a start and
 * product views spread over the catalog, so every batch moves the live visitor count by a known amount.
 */
export function createSyntheticSessions(productIds: readonly string[], { sessionsPerBatch = 20 }: { sessionsPerBatch?: number } = {}) {
  if (productIds.length === 0) throw new Error('the store has no product to view');
  const eventsPerSession = Math.floor(MAX_EVENTS_PER_BATCH / sessionsPerBatch);
  if (eventsPerSession < 1) throw new RangeError(`at most ${MAX_EVENTS_PER_BATCH} sessions fit in a batch`);
  const runId = randomBytes(4).toString('hex');
  let session = 0;
  let view = 0;
  return (at: Date = new Date()): SessionBatch => {
    const events: BehaviourEventInput[] = [];
    for (let s = 0; s < sessionsPerBatch; s++) {
      const sessionId = `bench-${runId}-${(session++).toString(36).padStart(6, '0')}`;
      events.push(behaviourEventOf({ kind: 'SESSION_STARTED', afterMs: 0, path: '/' }, sessionId, at));
      for (let v = 1; v < eventsPerSession; v++) {
        const productId = productIds[view++ % productIds.length]!;
        events.push(behaviourEventOf({ kind: 'PRODUCT_VIEWED', afterMs: 0, path: `/products/${productId}`, productId }, sessionId, at));
      }
    }
    return { events, sessions: sessionsPerBatch };
  };
}
