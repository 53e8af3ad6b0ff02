import { createDeduplicator, inTransaction, type EventBus, type LoggedEvent, type Logger, type Pool, type SqlRunner } from '@rtc/service-kit';
import type { OrderFactStatus } from '../db/schema';

/** The part of an OrderPlaced / OrderStatusChanged payload activity keeps. */
interface OrderPayload {
  readonly orderId: string;
  readonly userId: string;
  readonly total: { readonly amount: number; readonly currency: string };
  readonly placedAt: string;
  readonly status?: OrderFactStatus;
}

export interface OrderFact {
  readonly orderId: number;
  readonly userId: number;
  readonly placedAt: Date;
  readonly totalAmount: number;
  readonly currency: string;
  status: OrderFactStatus;
  paid: boolean;
}

const paidStatuses: ReadonlySet<OrderFactStatus> = new Set(['PAID', 'SHIPPED', 'DELIVERED']);

/** The order fact an order event tells, or null for other events and malformed payloads. */
export function orderFactOf(event: Pick<LoggedEvent, 'type' | 'payload'>): OrderFact | null {
  if (event.type !== 'OrderPlaced' && event.type !== 'OrderStatusChanged') return null;
  const payload = event.payload as Partial<OrderPayload>;
  const orderId = Number(payload.orderId);
  const userId = Number(payload.userId);
  const placedAt = new Date(String(payload.placedAt));
  if (!Number.isSafeInteger(orderId) || !Number.isSafeInteger(userId) || Number.isNaN(placedAt.getTime()) || !payload.total) return null;
  const status: OrderFactStatus = event.type === 'OrderPlaced' ? 'PENDING' : (payload.status ?? 'PENDING');
  return { orderId, userId, placedAt, totalAmount: payload.total.amount, currency: payload.total.currency, status, paid: paidStatuses.has(status) };
}

/** Folds a batch of facts in event order: an order's latest status wins, and once paid it stays paid. */
export function mergeOrderFacts(facts: readonly OrderFact[]): OrderFact[] {
  const byOrder = new Map<number, OrderFact>();
  for (const fact of facts) {
    const known = byOrder.get(fact.orderId);
    if (!known) {
      byOrder.set(fact.orderId, { ...fact });
      continue;
    }
    // An OrderPlaced redelivered after a status change must not move the order back to PENDING.
    if (!(fact.status === 'PENDING' && known.status !== 'PENDING')) known.status = fact.status;
    known.paid ||= fact.paid;
  }
  return [...byOrder.values()].sort((a, b) => a.orderId - b.orderId);
}

export async function writeOrderFacts(runner: SqlRunner, facts: readonly OrderFact[]): Promise<void> {
  if (facts.length === 0) return;
  await runner.run(
    `INSERT INTO order_facts (order_id, user_id, placed_at, total_amount, currency, status, paid) VALUES ?
     ON DUPLICATE KEY UPDATE
       status = IF(VALUES(status) = 'PENDING', status, VALUES(status)),
       paid = paid OR VALUES(paid)`,
    [facts.map((fact) => [fact.orderId, fact.userId, fact.placedAt, fact.totalAmount, fact.currency, fact.status, fact.paid])],
  );
}

export interface OrderFactsConsumer {
  /** Waits until every order event received so far is written. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads order events from the event log as the durable consumer `activity` and keeps `order_facts` from them,
 * writing what arrived meanwhile in one statement at a time. Redelivered events are dropped by id, and the
 * upsert is idempotent besides.
 */
export function startOrderFactsConsumer({
  pool,
  bus,
  logger,
  onWritten,
}: {
  pool: Pool;
  bus: EventBus;
  logger: Logger;
  onWritten?: () => void;
}): OrderFactsConsumer {
  const isNew = createDeduplicator();
  let queue: OrderFact[] = [];
  // Settled once the facts queued with them are written: the event log acknowledges a position only after that.
  let waiting: (() => void)[] = [];
  let writing: Promise<void> | undefined;
  let failures = 0;

  const drain = (): Promise<void> => {
    if (writing) return writing;
    if (queue.length === 0) return Promise.resolve();
    const facts = mergeOrderFacts(queue);
    const written = waiting;
    queue = [];
    waiting = [];
    writing = inTransaction(pool, (runner) => writeOrderFacts(runner, facts))
      .then(() => {
        failures = 0;
        for (const settle of written) settle();
        onWritten?.();
      })
      .catch(async (error: unknown) => {
        // Put them back in front: a database that is away for a while gets them once it returns.
        queue = [...facts, ...queue];
        waiting = [...written, ...waiting];
        if (failures++ === 0) logger.warn({ err: error }, 'writing order facts failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 5_000)).unref());
      })
      .finally(() => {
        writing = undefined;
        if (queue.length > 0) void drain();
      });
    return writing;
  };

  const unsubscribe = bus.subscribe(
    (event) => {
      if (!isNew(event.id)) return;
      const fact = orderFactOf(event);
      if (!fact) return;
      return new Promise<void>((settle) => {
        queue.push(fact);
        waiting.push(settle);
        void drain();
      });
    },
    { consumer: 'activity' },
  );

  return {
    async settle() {
      while (writing || queue.length > 0) await drain();
    },
    async stop() {
      unsubscribe();
      while (writing) await writing;
    },
  };
}
