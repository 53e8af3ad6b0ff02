import { bigint, char, datetime, index, json, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import type { RowDataPacket } from 'mysql2';
import { Gauge } from 'prom-client';
import type { EventBus } from './bus';
import { newEventId, type DomainEvent, type EventType } from './events';
import type { Logger } from './logger';
import { createScrapeReading, type ServiceMetrics } from './metrics';
import type { Pool } from './mysql';
import { createRowInsert, type RowInsert, type SqlRunner } from './statements';
import { contextFrom, currentTraceContext, inSpan, inTrace, SpanKind, type Tracer } from './tracing';

/** Every service keeps its own `outbox` table in its own database; rows are written in the transaction of the change. */
export function defineOutboxTable() {
  return mysqlTable(
    'outbox',
    {
      id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
      eventId: char('event_id', { length: 36 }).notNull().unique(),
      type: varchar('type', { length: 64 }).notNull(),
      aggregateType: varchar('aggregate_type', { length: 64 }).notNull(),
      aggregateId: varchar('aggregate_id', { length: 64 }).notNull(),
      payload: json('payload').$type<Record<string, unknown>>().notNull(),
      occurredAt: datetime('occurred_at', { mode: 'date', fsp: 3 }).notNull(),
      publishedAt: datetime('published_at', { mode: 'date', fsp: 3 }),
    },
    (table) => [index('outbox_pending_idx').on(table.publishedAt, table.id)],
  );
}

export type OutboxTable = ReturnType<typeof defineOutboxTable>;

export interface NewEvent<P extends Record<string, unknown>> {
  readonly type: EventType;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly payload: P;
}

const outboxInserts = new WeakMap<OutboxTable, RowInsert<OutboxTable['$inferInsert']>>();

function outboxInsertOf(table: OutboxTable): RowInsert<OutboxTable['$inferInsert']> {
  let insert = outboxInserts.get(table);
  if (!insert) {
    insert = createRowInsert(table, ['eventId', 'type', 'aggregateType', 'aggregateId', 'payload', 'occurredAt']);
    outboxInserts.set(table, insert);
  }
  return insert;
}

// Whichever relay run publishes an event (a poll, another request's nudge), its publish span joins the trace of the
// change that wrote it. Kept in memory only: after a restart an event is published in a trace of its own.
const writtenInTrace = new Map<string, Record<string, string>>();
const rememberedTraces = 10_000;

function rememberTraceOf(eventId: string): void {
  writtenInTrace.set(eventId, currentTraceContext());
  if (writtenInTrace.size > rememberedTraces) writtenInTrace.delete(writtenInTrace.keys().next().value!);
}

function takeTraceOf(eventId: string): Record<string, string> | undefined {
  const carrier = writtenInTrace.get(eventId);
  writtenInTrace.delete(eventId);
  return carrier;
}

/** Appends events to the outbox inside the caller's transaction. */
export async function appendToOutbox<P extends Record<string, unknown>>(
  tx: SqlRunner,
  table: OutboxTable,
  events: readonly NewEvent<P>[],
  now = new Date(),
): Promise<DomainEvent<P>[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({ ...event, eventId: newEventId(), occurredAt: now }));
  await outboxInsertOf(table).run(tx, rows);
  if (inTrace()) for (const row of rows) rememberTraceOf(row.eventId);
  return rows.map((row) => ({
    id: row.eventId,
    type: row.type,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    occurredAt: now.toISOString(),
    payload: row.payload,
  }));
}

export interface OutboxRelayOptions {
  readonly pool: Pool;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics?: ServiceMetrics;
  /** A publish inside a trace (a relay run nudged by a request) becomes a producer span; absent, nothing is traced. */
  readonly tracer?: Tracer | undefined;
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
}

export interface OutboxRelay {
  start(): void;
  /** Asks for a run now, e.g. right after a commit that wrote outbox rows. */
  nudge(): void;
  /** Publishes what is pending once; resolves with the number of events published. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

interface OutboxRow extends RowDataPacket {
  id: number;
  event_id: string;
  type: EventType;
  aggregate_type: string;
  aggregate_id: string;
  payload: string | Record<string, unknown>;
  occurred_at: Date;
}

/**
 * Publishes pending outbox rows in id order and marks them sent in one transaction.
 * Rows stay locked (FOR UPDATE) while published, so two relays never interleave and order per aggregate holds;
 * a crash before commit republishes them: at least once.
 */
export function createOutboxRelay({ pool, bus, logger, metrics, tracer, pollIntervalMs = 250, batchSize = 500 }: OutboxRelayOptions): OutboxRelay {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  if (metrics) registerOutboxGauges(pool, metrics);

  const publish = (event: DomainEvent): Promise<void> => {
    const writtenIn = tracer ? takeTraceOf(event.id) : undefined;
    if (!tracer || !writtenIn) return bus.publish(event);
    return inSpan(
      tracer,
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        parent: contextFrom(writtenIn),
        attributes: { 'messaging.operation.type': 'send', 'messaging.message.id': event.id, 'rtc.event.type': event.type },
      },
      () => bus.publish({ ...event, traceContext: currentTraceContext() }),
    );
  };

  const publishBatch = async (): Promise<number> => {
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      const [rows] = await connection.query<OutboxRow[]>(
        'SELECT id, event_id, type, aggregate_type, aggregate_id, payload, occurred_at FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE',
        [batchSize],
      );
      for (const row of rows) {
        await publish({
          id: row.event_id,
          type: row.type,
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          occurredAt: row.occurred_at.toISOString(),
          payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
        });
      }
      if (rows.length > 0) {
        await connection.query('UPDATE outbox SET published_at = NOW(3) WHERE id IN (?)', [rows.map((row) => row.id)]);
      }
      await connection.commit();
      return rows.length;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  };

  const drain = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const published = await publishBatch();
      total += published;
      if (published < batchSize) return total;
    }
  };

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => {
        logger.error({ err: error }, 'outbox relay failed; will retry');
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };

  return {
    start() {
      stopped = false;
      timer ??= setInterval(run, pollIntervalMs);
      timer.unref();
      run();
    },
    nudge: run,
    drain,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

interface BacklogRow extends RowDataPacket {
  pending: number;
  oldest_age: number | null;
}

function registerOutboxGauges(pool: Pool, metrics: ServiceMetrics): void {
  // Both gauges come from one query per scrape.
  const readBacklog = createScrapeReading(async () => {
    const [rows] = await pool.query<BacklogRow[]>(
      'SELECT COUNT(*) AS pending, TIMESTAMPDIFF(MICROSECOND, MIN(occurred_at), NOW(3)) / 1e6 AS oldest_age FROM outbox WHERE published_at IS NULL',
    );
    return rows[0];
  });
  new Gauge({
    name: 'rtc_outbox_pending_events',
    help: 'Outbox rows not yet published to the bus',
    registers: [metrics.registry],
    async collect() {
      this.set(Number((await readBacklog())?.pending ?? 0));
    },
  });
  new Gauge({
    name: 'rtc_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none)',
    registers: [metrics.registry],
    async collect() {
      this.set(Number((await readBacklog())?.oldest_age ?? 0));
    },
  });
}
