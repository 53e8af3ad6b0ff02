import { bigint, char, datetime, index, json, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import type { RowDataPacket } from 'mysql2';
import { Gauge } from 'prom-client';
import type { EventBus } from './bus';
import { newEventId, type DomainEvent, type EventType } from './events';
import type { Logger } from './logger';
import { createScrapeReading, type ServiceMetrics } from './metrics';
import type { Pool } from './mysql';
import { createRowInsert, type RowInsert, type SqlRunner, type Statement } from './statements';
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

/**
 * An aggregate id that only the database knows while the batch runs, e.g. the id of the row the batch inserted just
 * before (`set @order_id = last_insert_id()`): the event's aggregate id and one key of its payload take it in SQL.
 */
export interface AggregateIdInSql {
  /** A SQL expression of the id, e.g. `@order_id`. */
  readonly expression: string;
  /** The top-level payload key that carries the id as a string, e.g. `orderId`. */
  readonly payloadKey: string;
}

const outboxInserts = new WeakMap<OutboxTable, Map<string, RowInsert<OutboxTable['$inferInsert']>>>();

function outboxInsertOf(table: OutboxTable, idInSql?: AggregateIdInSql): RowInsert<OutboxTable['$inferInsert']> {
  let inserts = outboxInserts.get(table);
  if (!inserts) outboxInserts.set(table, (inserts = new Map()));
  const key = idInSql ? `${idInSql.expression} ${idInSql.payloadKey}` : '';
  let insert = inserts.get(key);
  if (!insert) {
    if (idInSql && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(idInSql.payloadKey)) throw new Error(`payload key ${idInSql.payloadKey} is not a plain name`);
    const id = idInSql && `cast(${idInSql.expression} as char)`;
    insert = createRowInsert(table, ['eventId', 'type', 'aggregateType', 'aggregateId', 'payload', 'occurredAt'], {
      ...(idInSql ? { expressions: { aggregateId: id, payload: `json_set(?, '$.${idInSql.payloadKey}', ${id})` } } : {}),
    });
    inserts.set(key, insert);
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

function traceOf(eventId: string): Record<string, string> | undefined {
  return writtenInTrace.get(eventId);
}

/**
 * The INSERT of events into the outbox, to send in the batch of the caller's transaction, and the events as they
 * will be published (with `idInSql`, their aggregate id and its payload key as given, not as the database sets them).
 */
export function outboxStatement<P extends Record<string, unknown>>(
  table: OutboxTable,
  events: readonly NewEvent<P>[],
  now = new Date(),
  idInSql?: AggregateIdInSql,
): { statement: Statement; events: DomainEvent<P>[] } {
  const rows = events.map((event) => ({ ...event, eventId: newEventId(), occurredAt: now }));
  const statement = outboxInsertOf(table, idInSql).statement(rows);
  if (inTrace()) for (const row of rows) rememberTraceOf(row.eventId);
  return {
    statement,
    events: rows.map((row) => ({
      id: row.eventId,
      type: row.type,
      aggregateType: row.aggregateType,
      aggregateId: row.aggregateId,
      occurredAt: now.toISOString(),
      payload: row.payload,
    })),
  };
}

/** Appends events to the outbox inside the caller's transaction. */
export async function appendToOutbox<P extends Record<string, unknown>>(
  tx: SqlRunner,
  table: OutboxTable,
  events: readonly NewEvent<P>[],
  now = new Date(),
): Promise<DomainEvent<P>[]> {
  if (events.length === 0) return [];
  const { statement, events: appended } = outboxStatement(table, events, now);
  await tx.run(statement.text, statement.values);
  return appended;
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
  /** The longest wait between retries while the bus or the database fails (the wait doubles from pollIntervalMs). */
  readonly maxBackoffMs?: number;
  /**
   * The least time from one run's start to the next: nudges in between share the next run, so under load each run
   * publishes several commits' events in one read, one bus call and one mark, and a consumer wakes once for them.
   * A nudge after a quiet spell runs at once.
   */
  readonly minRunIntervalMs?: number;
}

export interface OutboxRelay {
  start(): void;
  /** Asks for a run now, e.g. right after a commit that wrote outbox rows. */
  nudge(): void;
  /**
   * Publishes what is pending once; resolves with the number of events published. Waits (up to `leaseWaitSeconds`)
   * while another relay of the same database holds the lease, then publishes what that one left.
   */
  drain(leaseWaitSeconds?: number): Promise<number>;
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

interface LeaseRow extends RowDataPacket {
  granted: number | null;
}

/** Events per bus transaction: a round trip each, all or none. */
const publishChunk = 100;

// MariaDB and MySQL cap user lock names at 64 characters.
const leaseName = "LEFT(CONCAT('rtc_outbox:', DATABASE()), 64)";
const releaseLease = `SELECT RELEASE_LOCK(${leaseName})`;
// Pending rows in id order, read only by the connection holding the lease.
const selectPending =
  'SELECT id, event_id, type, aggregate_type, aggregate_id, payload, occurred_at FROM outbox ' +
  `WHERE published_at IS NULL AND IS_USED_LOCK(${leaseName}) = CONNECTION_ID() ORDER BY id LIMIT ?`;
const markPublished = 'UPDATE outbox SET published_at = NOW(3) WHERE id IN (?)';

/**
 * Publishes pending outbox rows in id order, then marks them sent.
 *
 * Claiming and publishing are apart: a relay first takes the database's relay lease, a `GET_LOCK` held by its
 * connection outside any transaction, then reads pending rows with a plain (non-locking) read, publishes them and
 * marks them sent in a short autocommit UPDATE by primary key. No row or gap lock is held across the network call,
 * so a checkout's outbox insert never waits for the bus, however long the bus is away.
 *
 * The lease (rather than a `claimed_until` column taken with `FOR UPDATE SKIP LOCKED`) needs no schema change and
 * keeps one publisher per database, which is what keeps order per aggregate: replicas of a service do not interleave.
 * MariaDB releases it when the holder's connection ends, so a crashed relay's successor takes over and republishes
 * what was published but not yet marked: at least once, duplicates dropped by event id downstream.
 *
 * When publishing fails the rows already published are marked, the rest stay pending, and runs back off
 * (doubling up to `maxBackoffMs`) until the bus answers again.
 */
export function createOutboxRelay({
  pool,
  bus,
  logger,
  metrics,
  tracer,
  pollIntervalMs = 250,
  batchSize = 500,
  maxBackoffMs = 5_000,
  minRunIntervalMs = 25,
}: OutboxRelayOptions): OutboxRelay {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let spacingTimer: NodeJS.Timeout | undefined;
  let lastStartedAt = -Infinity;

  if (metrics) registerOutboxGauges(pool, metrics);

  /**
   * Publishes `events` together (all or none, in order). An event written inside a trace gets a producer span in that
   * trace, and the span's context travels with it; the spans nest only so that each one covers the one publish.
   */
  const publishTogether = (events: readonly DomainEvent[], prepared: DomainEvent[] = []): Promise<void> => {
    const [event, ...rest] = events;
    if (!event) return bus.publishAll(prepared);
    const writtenIn = tracer ? traceOf(event.id) : undefined;
    if (!tracer || !writtenIn) {
      prepared.push(event);
      return publishTogether(rest, prepared);
    }
    return inSpan(
      tracer,
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        parent: contextFrom(writtenIn),
        attributes: { 'messaging.operation.type': 'send', 'messaging.message.id': event.id, 'rtc.event.type': event.type },
      },
      () => {
        prepared.push({ ...event, traceContext: currentTraceContext() });
        return publishTogether(rest, prepared);
      },
    );
  };

  const eventOf = (row: OutboxRow): DomainEvent => ({
    id: row.event_id,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    occurredAt: row.occurred_at.toISOString(),
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
  });

  /**
   * Publishes rows read on a connection holding the lease, in id order, chunk by chunk; resolves with the ids published
   * and the failure that stopped it, if any (the rows after it stay pending).
   */
  const publishRows = async (rows: readonly OutboxRow[]): Promise<{ published: number[]; failure?: unknown }> => {
    const published: number[] = [];
    for (let start = 0; start < rows.length; start += publishChunk) {
      const chunk = rows.slice(start, start + publishChunk);
      try {
        await publishTogether(chunk.map(eventOf));
      } catch (failure) {
        return { published, failure };
      }
      for (const row of chunk) published.push(row.id);
    }
    return { published };
  };

  /**
   * Two round trips per batch: the lease with the first read of pending rows, then the mark of what was published with
   * the lease's release (or, after a full batch, with the next read). The read returns nothing unless this connection
   * holds the lease, so a replica that finds it taken reads no rows.
   */
  const drain = async (leaseWaitSeconds = 0): Promise<number> => {
    const connection = await pool.getConnection();
    // Until GET_LOCK has answered, this connection may hold the lease: on a failure, `finally` releases it.
    let leased = true;
    try {
      const [[[lease], first]] = (await connection.query(`SELECT GET_LOCK(${leaseName}, ?) AS granted; ${selectPending}`, [
        leaseWaitSeconds,
        batchSize,
      ])) as unknown as [[LeaseRow[], OutboxRow[]]];
      // Another replica is publishing this database's outbox; it publishes these rows too.
      if (lease?.granted !== 1) {
        leased = false;
        return 0;
      }
      let rows = first;
      let total = 0;
      for (;;) {
        const { published, failure } = await publishRows(rows);
        total += published.length;
        // A full batch published: more may be pending, read with this batch's mark.
        const more = failure === undefined && rows.length === batchSize && !stopped;
        let next: OutboxRow[] = [];
        if (more) {
          const [[, pending]] = (await connection.query(`${markPublished}; ${selectPending}`, [published, batchSize])) as unknown as [[unknown, OutboxRow[]]];
          next = pending;
        } else {
          // The release rides with the mark; should the mark fail, the release in `finally` runs alone.
          await connection.query(published.length > 0 ? `${markPublished}; ${releaseLease}` : releaseLease, published.length > 0 ? [published] : []);
          leased = false;
        }
        for (const row of rows.slice(0, published.length)) writtenInTrace.delete(row.event_id);
        if (failure !== undefined) throw failure;
        if (!more) return total;
        rows = next;
      }
    } finally {
      const released =
        !leased ||
        (await connection.query(releaseLease).then(
          () => true,
          () => false,
        ));
      // A connection that may still hold the lease must not go back to the pool: closing it frees the lease.
      if (released) connection.release();
      else connection.destroy();
    }
  };

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    // Backing off: the retry timer runs it; nudges from every checkout must not hammer a bus that is down.
    if (retryTimer || spacingTimer) return;
    const waitMs = lastStartedAt + minRunIntervalMs - performance.now();
    if (waitMs > 0) {
      spacingTimer = setTimeout(() => {
        spacingTimer = undefined;
        run();
      }, waitMs);
      spacingTimer.unref();
      return;
    }
    lastStartedAt = performance.now();
    running = drain()
      .then((published) => {
        if (failures > 0) logger.info({ published }, 'outbox relay publishing again');
        failures = 0;
        return published;
      })
      .catch((error: unknown) => {
        const backoffMs = Math.min(pollIntervalMs * 2 ** failures, maxBackoffMs);
        if (failures++ === 0) logger.error({ err: error }, 'outbox relay failed; retrying with backoff');
        else logger.debug({ err: error, backoffMs }, 'outbox relay failed again');
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          run();
        }, backoffMs);
        retryTimer.unref();
        return 0;
      })
      .finally(() => {
        running = undefined;
        if (again && !retryTimer) {
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
    drain: (leaseWaitSeconds = 10) => drain(leaseWaitSeconds),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (retryTimer) clearTimeout(retryTimer);
      if (spacingTimer) clearTimeout(spacingTimer);
      timer = undefined;
      retryTimer = undefined;
      spacingTimer = undefined;
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
