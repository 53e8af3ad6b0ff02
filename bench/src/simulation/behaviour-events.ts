import { randomUUID } from 'node:crypto';
import type { BehaviourEventKind, PlannedStep } from './browsing-session';

/** `BehaviourEventInput` of the activity contract, as trackEvents takes it. */
export interface BehaviourEventInput {
  readonly eventId: string;
  readonly kind: BehaviourEventKind;
  readonly sessionId: string;
  readonly occurredAt: string;
  readonly path: string;
  readonly productId?: string;
  readonly quantity?: number;
  readonly searchQuery?: string;
  readonly cartValue?: { readonly amount: number; readonly currency: string };
}

/** The most events one trackEvents call takes. */
export const MAX_EVENTS_PER_BATCH = 100;

/** The event a storefront sends for a step of a session, stamped with when it happened. */
export function behaviourEventOf(step: PlannedStep, sessionId: string, occurredAt: Date, eventId: string = randomUUID()): BehaviourEventInput {
  return {
    eventId,
    kind: step.kind,
    sessionId,
    occurredAt: occurredAt.toISOString(),
    path: step.path,
    ...(step.productId !== undefined ? { productId: step.productId } : {}),
    ...(step.quantity !== undefined ? { quantity: step.quantity } : {}),
    ...(step.searchQuery !== undefined ? { searchQuery: step.searchQuery } : {}),
    ...(step.cartValue !== undefined ? { cartValue: step.cartValue } : {}),
  };
}

export interface EventBatcher {
  /** Queues an event; a full batch goes out at once, a partial one after the delay. */
  add(event: BehaviourEventInput): void;
  /** Sends what is queued now and waits for every batch in flight. */
  flush(): Promise<void>;
  readonly queued: number;
}

/**
 * Anonymous shoppers' events gathered into trackEvents batches of up to 100, as a storefront's collector sends
 * them: one call per full batch, or per `maxDelayMs` for the rest. `send` reports its own failures.
 */
export function createEventBatcher({
  send,
  maxDelayMs,
  maxBatch = MAX_EVENTS_PER_BATCH,
}: {
  send: (events: BehaviourEventInput[]) => Promise<void>;
  maxDelayMs: number;
  maxBatch?: number;
}): EventBatcher {
  let queue: BehaviourEventInput[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const inFlight = new Set<Promise<void>>();

  const sendQueued = () => {
    clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(maxBatch);
      const sending = send(batch).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
  };

  return {
    add(event) {
      queue.push(event);
      if (queue.length >= maxBatch) sendQueued();
      else timer ??= setTimeout(sendQueued, maxDelayMs);
    },
    async flush() {
      sendQueued();
      await Promise.allSettled([...inFlight]);
    },
    get queued() {
      return queue.length;
    },
  };
}
