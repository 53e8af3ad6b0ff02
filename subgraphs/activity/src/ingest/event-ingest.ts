import {
  Counter,
  Histogram,
  inTransaction,
  newEventId,
  retryTransaction,
  serverBusy,
  serviceUnavailable,
  type EventBus,
  type Logger,
  type Pool,
  type ServiceMetrics,
  type SqlRunner,
  type ResultSetHeader,
} from '@rtc/service-kit';
import type { BehaviourEventKind } from '../db/schema';
import { sessionUpdatesOf } from './session-updates';
import type { ValidEvent } from './validate-events';

export interface TrackResult {
  readonly accepted: number;
  readonly duplicates: number;
}

export interface EventIngest {
  /** Resolves once the batch's events are committed (or known duplicates); rejects with SERVICE_UNAVAILABLE or SERVER_BUSY. */
  track(events: readonly ValidEvent[], userId: number | null): Promise<TrackResult>;
  /** Writes whatever is buffered now and waits for it. */
  flush(): Promise<void>;
  /** Writes what is buffered, then accepts nothing more. */
  stop(): Promise<void>;
}

export interface EventIngestOptions {
  readonly pool: Pool;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** A write starts as soon as this many events wait. */
  readonly flushEvents: number;
  /** …or this long after the first of them arrived. */
  readonly flushIntervalMs: number;
  /** Beyond this many waiting events new batches are refused with SERVER_BUSY instead of queueing without bound. */
  readonly maxPendingEvents?: number;
  /** Flushes written at once: one runs its round trips while the next gathers and starts. */
  readonly maxConcurrentFlushes?: number;
}

interface PendingBatch {
  readonly events: readonly ValidEvent[];
  readonly userId: number | null;
  readonly receivedAt: Date;
  resolve(result: TrackResult): void;
  reject(error: unknown): void;
}

/** An event about to be written, with the caller who sent it. */
export interface IngestRow extends ValidEvent {
  readonly userId: number | null;
  readonly receivedAt: Date;
}

const minuteOf = (date: Date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000);

export function createIngestMetrics(metrics: ServiceMetrics) {
  return {
    accepted: new Counter({
      name: 'rtc_activity_events_total',
      help: 'Behaviour events accepted and written, by kind',
      labelNames: ['kind'],
      registers: [metrics.registry],
    }),
    rejected: new Counter({
      name: 'rtc_activity_events_rejected_total',
      help: 'Behaviour events refused, by reason (a refused batch counts each of its events)',
      labelNames: ['reason'],
      registers: [metrics.registry],
    }),
    duplicates: new Counter({
      name: 'rtc_activity_events_duplicate_total',
      help: 'Behaviour events dropped because their eventId was recorded already',
      registers: [metrics.registry],
    }),
    lag: new Histogram({
      name: 'rtc_activity_ingest_lag_seconds',
      help: 'From an event occurredAt to its rollup being written and visible to live figures',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [metrics.registry],
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/**
 * Buffers tracked batches and writes them together: one transaction per flush inserts every new event in one
 * statement (INSERT IGNORE on the unique event id), upserts the touched sessions and adds to the per-minute rollups.
 * Callers wait for their flush, so an answered mutation means its events are stored.
 */
export function createEventIngest({
  pool,
  bus,
  logger,
  metrics,
  flushEvents,
  flushIntervalMs,
  maxPendingEvents = flushEvents * 20,
  maxConcurrentFlushes = 2,
}: EventIngestOptions) {
  const counters = createIngestMetrics(metrics);
  let pending: PendingBatch[] = [];
  let pendingEvents = 0;
  let timer: NodeJS.Timeout | undefined;
  const writing = new Set<Promise<void>>();
  let stopped = false;

  const schedule = () => {
    if (writing.size >= maxConcurrentFlushes) return;
    if (pendingEvents >= flushEvents) {
      flushNow();
      return;
    }
    if (pendingEvents > 0 && !timer) timer = setTimeout(flushNow, flushIntervalMs);
  };

  /** Starts a write of everything waiting, unless as many writes as allowed are running (the last one reschedules). */
  const flushNow = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (writing.size >= maxConcurrentFlushes || pending.length === 0) return;
    const batches = pending;
    pending = [];
    pendingEvents = 0;
    const write: Promise<void> = writeBatches(batches).finally(() => {
      writing.delete(write);
      schedule();
    });
    writing.add(write);
  };

  const settle = async () => {
    while (writing.size > 0 || pending.length > 0) {
      flushNow();
      await Promise.race(writing);
    }
  };

  const writeBatches = async (batches: PendingBatch[]) => {
    // The first batch of the flush to carry an event id owns it; repeats in this flush are duplicates of it.
    const ownerOf = new Map<string, number>();
    const rows: IngestRow[] = [];
    batches.forEach((batch, index) => {
      for (const event of batch.events) {
        if (ownerOf.has(event.eventId)) continue;
        ownerOf.set(event.eventId, index);
        rows.push({ ...event, userId: batch.userId, receivedAt: batch.receivedAt });
      }
    });
    let inserted: ReadonlySet<string>;
    try {
      // Concurrent flushes (of this replica or another) may deadlock on the unique index or a shared minute: run again.
      inserted = await retryTransaction(() => inTransaction(pool, (runner) => writeRows(runner, rows)));
    } catch (error) {
      logger.error({ err: error, events: rows.length }, 'writing behaviour events failed; their callers may send them again');
      for (const batch of batches) batch.reject(serviceUnavailable());
      return;
    }
    const now = Date.now();
    for (const row of rows) {
      if (!inserted.has(row.eventId)) continue;
      counters.accepted.inc({ kind: row.kind });
      counters.lag.observe(Math.max(0, now - row.occurredAt.getTime()) / 1000);
    }
    const acceptedBy = batches.map(() => 0);
    for (const eventId of inserted) acceptedBy[ownerOf.get(eventId)!]! += 1;
    batches.forEach((batch, index) => {
      const accepted = acceptedBy[index]!;
      const duplicates = batch.events.length - accepted;
      if (duplicates > 0) counters.duplicates.inc(duplicates);
      batch.resolve({ accepted, duplicates });
    });
    if (inserted.size > 0) {
      const sessionIds = new Set(rows.filter((row) => inserted.has(row.eventId)).map((row) => row.sessionId));
      bus
        .publish({
          id: newEventId(),
          type: 'BehaviourRecorded',
          aggregateType: 'Behaviour',
          aggregateId: 'store',
          occurredAt: new Date(now).toISOString(),
          payload: { events: inserted.size, sessions: sessionIds.size },
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not announce recorded behaviour; live funnels refresh on their timer'));
    }
  };

  return {
    track(events, userId) {
      if (stopped) return Promise.reject(serviceUnavailable());
      if (pendingEvents + events.length > maxPendingEvents) return Promise.reject(serverBusy());
      return new Promise<TrackResult>((resolve, reject) => {
        pending.push({ events, userId, receivedAt: new Date(), resolve, reject });
        pendingEvents += events.length;
        schedule();
      });
    },
    flush: settle,
    async stop() {
      stopped = true;
      await settle();
    },
    counters,
  } satisfies EventIngest & { counters: IngestMetrics };
}

const eventColumns = [
  'event_id',
  'session_id',
  'user_id',
  'kind',
  'occurred_at',
  'product_id',
  'quantity',
  'search_query',
  'cart_amount',
  'cart_currency',
  'path',
  'received_at',
] as const;

/** Writes the rows of one flush; returns the event ids this flush inserted (the rest were recorded before). */
export async function writeRows(runner: SqlRunner, rows: readonly IngestRow[]): Promise<ReadonlySet<string>> {
  if (rows.length === 0) return new Set();
  const ids = rows.map((row) => row.eventId);
  const existing = await runner.run<{ event_id: string }[]>('SELECT event_id FROM behaviour_events WHERE event_id IN (?)', [ids]);
  const known = new Set(existing.map((row) => row.event_id));
  let fresh = rows.filter((row) => !known.has(row.eventId));
  if (fresh.length === 0) return new Set();
  const result = await runner.run<ResultSetHeader>(`INSERT IGNORE INTO behaviour_events (${eventColumns.join(', ')}) VALUES ?`, [
    fresh.map((row) => [
      row.eventId,
      row.sessionId,
      row.userId,
      row.kind,
      row.occurredAt,
      row.productId,
      row.quantity,
      row.searchQuery,
      row.cartAmount,
      row.cartCurrency,
      row.path,
      row.receivedAt,
    ]),
  ]);
  if (result.affectedRows !== fresh.length) {
    // Another replica inserted some of these ids between the read and the insert (a client retrying elsewhere):
    // the rows it wrote are its own to count. Ours carry this flush's receipt time.
    const ours = await runner.run<{ event_id: string; received_at: Date }[]>('SELECT event_id, received_at FROM behaviour_events WHERE event_id IN (?)', [
      fresh.map((row) => row.eventId),
    ]);
    const mine = new Set(
      ours.filter((row) => fresh.some((f) => f.eventId === row.event_id && f.receivedAt.getTime() === row.received_at.getTime())).map((row) => row.event_id),
    );
    fresh = fresh.filter((row) => mine.has(row.eventId));
  }
  await upsertSessions(runner, fresh);
  await addToMinutes(runner, fresh);
  return new Set(fresh.map((row) => row.eventId));
}

async function upsertSessions(runner: SqlRunner, rows: readonly IngestRow[]): Promise<void> {
  const updates = sessionUpdatesOf(rows);
  if (updates.length === 0) return;
  await runner.run(
    `INSERT INTO sessions (session_id, user_id, started_at, last_seen_at, furthest_stage, last_cart_at) VALUES ?
     ON DUPLICATE KEY UPDATE
       user_id = COALESCE(VALUES(user_id), user_id),
       started_at = LEAST(started_at, VALUES(started_at)),
       last_seen_at = GREATEST(last_seen_at, VALUES(last_seen_at)),
       furthest_stage = GREATEST(furthest_stage, VALUES(furthest_stage)),
       last_cart_at = CASE WHEN last_cart_at IS NULL THEN VALUES(last_cart_at)
                           WHEN VALUES(last_cart_at) IS NULL THEN last_cart_at
                           ELSE GREATEST(last_cart_at, VALUES(last_cart_at)) END`,
    [updates.map((update) => [update.sessionId, update.userId, update.startedAt, update.lastSeenAt, update.furthestStage, update.lastCartAt])],
  );
}

async function addToMinutes(runner: SqlRunner, rows: readonly IngestRow[]): Promise<void> {
  const counts = new Map<string, { minute: Date; kind: BehaviourEventKind; events: number }>();
  for (const row of rows) {
    const minute = minuteOf(row.occurredAt);
    const key = `${minute.getTime()}:${row.kind}`;
    const entry = counts.get(key) ?? { minute, kind: row.kind, events: 0 };
    entry.events += 1;
    counts.set(key, entry);
  }
  // Rows in key order, so concurrent flushes of replicas lock them in the same order.
  const ordered = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => [entry.minute, entry.kind, entry.events]);
  await runner.run('INSERT INTO activity_minutes (minute, kind, events) VALUES ? ON DUPLICATE KEY UPDATE events = events + VALUES(events)', [ordered]);
}
