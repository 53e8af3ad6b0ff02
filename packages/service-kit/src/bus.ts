import { Redis } from 'ioredis';
import type { DomainEvent } from './events';
import type { Logger } from './logger';

/** An event as read from the log: `position` orders it within the log and is where a reader resumes after it. */
export interface LoggedEvent extends DomainEvent {
  readonly position: string;
}

/**
 * Handles one event. When it returns a promise, a durable consumer acknowledges the position only once the promises
 * of its batch settle; anything else it returns is ignored.
 */
export type EventHandler = (event: LoggedEvent) => unknown;

/** What the log still holds after a position, or `tooOld` when events after it have already left the bounded log. */
export type LogRead = { readonly tooOld: false; readonly events: readonly LoggedEvent[] } | { readonly tooOld: true };

export interface SubscribeOptions {
  /**
   * A durable consumer's name: it acknowledges its position as it handles events and, started again under the same
   * name, resumes after the last one it acknowledged (while that is still in the log). Absent: it starts at the end.
   */
  readonly consumer?: string;
}

/**
 * A bounded event log: outbox relays append, and every consumer reads from its own position. Delivery is at least
 * once; consumers drop duplicates by event id.
 */
export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Appends `events` in order, all or none (a Redis MULTI): one round trip for a batch of the outbox. */
  publishAll(events: readonly DomainEvent[]): Promise<void>;
  subscribe(handler: EventHandler, options?: SubscribeOptions): () => void;
  /** The retained events after `position`, oldest first, at most `limit` of them. */
  readAfter(position: string, limit: number): Promise<LogRead>;
  /** Whether `value` has the form of a position of this log (it may still be too old or unknown to it). */
  isPosition(value: unknown): value is string;
  /** Orders two positions of this log: negative when `a` comes first. */
  comparePositions(a: string, b: string): number;
  close(): Promise<void>;
}

/** Enough for several minutes of peak traffic (a checkout writes one event per order plus one per stock change). */
export const defaultEventLogMaxLength = 100_000;

export const isCountedPosition = (value: unknown): value is string => typeof value === 'string' && /^\d{1,15}$/.test(value);
export const compareCountedPositions = (a: string, b: string): number => Number(a) - Number(b);

/**
 * An event log in memory with positions counted from 1, as an in-process bus and its replicas in other threads hold
 * it: at least the last `maxLength` events (an eighth more at most), each handed to the subscribers as it is added.
 */
export interface CountedLogBus {
  readonly bus: EventBus;
  readonly lastPosition: number;
  /** Adds `event` at its position (the next one) and hands it to every subscriber. */
  deliver(event: LoggedEvent): void;
}

export interface CountedLogBusOptions {
  readonly maxLength: number;
  /** What the bus's publish and publishAll do with the events. */
  readonly publishAll: (events: readonly DomainEvent[]) => void;
  readonly onClose?: () => void;
}

export function createCountedLogBus({ maxLength, publishAll, onClose }: CountedLogBusOptions): CountedLogBus {
  const handlers = new Set<EventHandler>();
  const log: LoggedEvent[] = [];
  let last = 0;
  // Trimmed a slack's worth at a time: dropping the oldest event on every append moved the whole array each time.
  const slack = Math.max(1, Math.ceil(maxLength / 8));
  return {
    get lastPosition() {
      return last;
    },
    deliver(event) {
      log.push(event);
      last = Number(event.position);
      if (log.length >= maxLength + slack) log.splice(0, log.length - maxLength);
      for (const handler of handlers) void handler(event);
    },
    bus: {
      async publish(event) {
        publishAll([event]);
      },
      async publishAll(events) {
        publishAll(events);
      },
      subscribe(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
      async readAfter(position, limit) {
        const after = Number(position);
        const first = last - log.length + 1;
        // A position past the end comes from an earlier process: what followed it is gone as surely as a trimmed event.
        if (after < first - 1 || after > last) return { tooOld: true };
        const start = after - first + 1;
        return { tooOld: false, events: log.slice(start, start + limit) };
      },
      isPosition: isCountedPosition,
      comparePositions: compareCountedPositions,
      async close() {
        handlers.clear();
        onClose?.();
      },
    },
  };
}

/** For a stack whose services all run in one process: the last `maxLength` events in memory, positions counted from 1. */
export function createInProcessBus({ maxLength = 10_000 }: { maxLength?: number } = {}): EventBus {
  const log: CountedLogBus = createCountedLogBus({
    maxLength,
    publishAll: (events) => {
      for (const event of events) log.deliver({ ...event, position: String(log.lastPosition + 1) });
    },
  });
  return log.bus;
}

export const eventStream = 'rtc:events';

export interface RedisBusOptions {
  readonly url: string;
  readonly logger: Logger;
  /** The stream's key; separate stacks on one Redis keep apart by using their own. */
  readonly stream?: string | undefined;
  /** Approximate bound of the stream (XADD MAXLEN ~): how far back a consumer or a subscriber can resume. */
  readonly maxLength?: number | undefined;
  /** How long a durable consumer's acknowledged position outlives its last acknowledgement. */
  readonly positionTtlSeconds?: number;
  /**
   * The least time from one read's start to the next: under load each consumer reads several commits' events at
   * once instead of one round trip (and one handler batch) per event. A read after a quiet spell starts at once.
   */
  readonly minReadIntervalMs?: number;
}

type StreamEntry = [id: string, fields: string[] | null];

const redisIdPattern = /^(\d{1,20})-(\d{1,20})$/;

function compareIds(a: string, b: string): number {
  const [, aMs = '0', aSeq = '0'] = redisIdPattern.exec(a) ?? [];
  const [, bMs = '0', bSeq = '0'] = redisIdPattern.exec(b) ?? [];
  const byMs = BigInt(aMs) - BigInt(bMs);
  if (byMs !== 0n) return byMs < 0n ? -1 : 1;
  const bySeq = BigInt(aSeq) - BigInt(bSeq);
  return bySeq === 0n ? 0 : bySeq < 0n ? -1 : 1;
}

/** XINFO STREAM answers a flat list of names and values. */
function infoField(info: unknown, name: string): unknown {
  if (!Array.isArray(info)) return undefined;
  for (let i = 0; i + 1 < info.length; i += 2) if (info[i] === name) return info[i + 1];
  return undefined;
}

/**
 * A Redis Stream as the event log. Publishers XADD with an approximate MAXLEN bound. Each consumer XREADs from a
 * position it keeps itself (no consumer groups): a Redis outage or a reconnect costs it nothing, since it reads on
 * from the last id it handled; a durable consumer (`subscribe(…, { consumer })`) also acknowledges that id to Redis
 * and resumes from it after a restart. Replicas never share work, they each want every event, which is why
 * consumer groups (built to split a stream between workers) would add pending-entry bookkeeping and nothing else.
 */
export function createRedisBus({
  url,
  logger,
  stream = eventStream,
  maxLength = defaultEventLogMaxLength,
  positionTtlSeconds = 86_400,
  minReadIntervalMs = 25,
}: RedisBusOptions): EventBus {
  // Commands fail fast while Redis is away, so the outbox relay backs off and retries instead of waiting.
  const commands = new Redis(url, { maxRetriesPerRequest: 2 });
  const log = logger.child({ component: 'event-log', stream });
  let reportedDown = false;
  const onError = (error: Error) => {
    if (reportedDown) return;
    reportedDown = true;
    log.warn({ err: error }, 'Redis unreachable; reconnecting');
  };
  commands.on('error', onError);
  commands.on('ready', () => {
    if (reportedDown) log.info('Redis reachable again');
    reportedDown = false;
  });
  const readers = new Set<Redis>();
  let closed = false;

  const parse = (id: string, fields: string[] | null): LoggedEvent | undefined => {
    const json = fields?.[fields.indexOf('event') + 1];
    if (!fields || fields.indexOf('event') < 0 || json === undefined) return undefined;
    try {
      return { ...(JSON.parse(json) as DomainEvent), position: id };
    } catch {
      log.warn({ id }, 'dropped a malformed event');
      return undefined;
    }
  };

  const positionKey = (consumer: string) => `${stream}:position:${consumer}`;

  /** Where a new reader starts: its acknowledged position when it has one, else after the newest entry. */
  const startPosition = async (consumer: string | undefined): Promise<string> => {
    if (consumer) {
      const acknowledged = await commands.get(positionKey(consumer));
      if (acknowledged && redisIdPattern.test(acknowledged)) return acknowledged;
    }
    const newest = (await commands.xrevrange(stream, '+', '-', 'COUNT', 1)) as StreamEntry[];
    return newest[0]?.[0] ?? '0-0';
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

  const readLoop = async (reader: Redis, handler: EventHandler, consumer: string | undefined) => {
    let position: string | undefined;
    let failures = 0;
    let lastReadAt = -Infinity;
    while (!closed && readers.has(reader)) {
      try {
        position ??= await startPosition(consumer);
        const waitMs = lastReadAt + minReadIntervalMs - performance.now();
        if (waitMs > 0) await sleep(waitMs);
        if (closed || !readers.has(reader)) return;
        lastReadAt = performance.now();
        const reply = (await reader.xread('COUNT', 500, 'BLOCK', 5_000, 'STREAMS', stream, position)) as [string, StreamEntry[]][] | null;
        failures = 0;
        const entries = reply?.[0]?.[1] ?? [];
        const handling: Promise<void>[] = [];
        for (const [id, fields] of entries) {
          position = id;
          const event = parse(id, fields);
          if (!event) continue;
          try {
            const done = handler(event);
            if (done instanceof Promise) handling.push(done.catch((error: unknown) => log.error({ err: error, id }, 'event handler failed')));
          } catch (error) {
            log.error({ err: error, id }, 'event handler failed');
          }
        }
        if (handling.length > 0) await Promise.all(handling);
        if (consumer && entries.length > 0) await commands.set(positionKey(consumer), position, 'EX', positionTtlSeconds);
      } catch (error) {
        if (closed || !readers.has(reader)) return;
        if (failures++ === 0) log.warn({ err: error }, 'reading the event log failed; retrying from the last position');
        await sleep(Math.min(100 * 2 ** failures, 2_000));
      }
    }
  };

  return {
    async publish(event) {
      await commands.xadd(stream, 'MAXLEN', '~', maxLength, '*', 'event', JSON.stringify(event));
    },
    async publishAll(events) {
      if (events.length === 0) return;
      const transaction = commands.multi();
      for (const event of events) transaction.xadd(stream, 'MAXLEN', '~', maxLength, '*', 'event', JSON.stringify(event));
      const replies = await transaction.exec();
      if (!replies) throw new Error('the event log transaction was discarded');
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0]!;
    },
    subscribe(handler, options = {}) {
      // Its own connection: XREAD BLOCK holds it. Commands wait for a reconnect rather than fail, so the loop just resumes.
      const reader = new Redis(url, { maxRetriesPerRequest: null });
      reader.on('error', onError);
      readers.add(reader);
      void readLoop(reader, handler, options.consumer);
      return () => {
        readers.delete(reader);
        reader.disconnect();
      };
    },
    async readAfter(position, limit) {
      // One transaction, so no trim falls between the range and the check of what was trimmed.
      const replies = await commands.multi().xrange(stream, `(${position}`, '+', 'COUNT', limit).xinfo('STREAM', stream).exec();
      const [[rangeError, range] = [null, []], [infoError, info] = [null, null]] = replies ?? [];
      if (rangeError) throw rangeError;
      // No stream at all (nothing published since Redis started empty): nothing was trimmed either.
      if (infoError) return { tooOld: false, events: [] };
      const firstEntry = infoField(info, 'first-entry');
      const firstId = Array.isArray(firstEntry) ? String(firstEntry[0]) : undefined;
      const added = infoField(info, 'entries-added');
      // Entries before the first retained one were trimmed only if more were ever added than remain (Redis 7 counts
      // them; before it, assume so). A stream that restarted empty keeps them all, so an earlier position replays it whole.
      const trimmed = typeof added !== 'number' || added > Number(infoField(info, 'length'));
      // Trimmed down to nothing, the log still knows the last id it gave: a position before it missed events.
      const lastId = infoField(info, 'last-generated-id');
      const oldest = firstId ?? (typeof lastId === 'string' ? lastId : undefined);
      const trimmedAfter = trimmed && oldest !== undefined && compareIds(position, oldest) < 0;
      if (trimmedAfter) return { tooOld: true };
      const events = (range as StreamEntry[]).map(([id, fields]) => parse(id, fields)).filter((event): event is LoggedEvent => event !== undefined);
      return { tooOld: false, events };
    },
    isPosition: (value): value is string => typeof value === 'string' && redisIdPattern.test(value),
    comparePositions: compareIds,
    async close() {
      closed = true;
      for (const reader of readers) reader.disconnect();
      readers.clear();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}

export interface EventBusOptions {
  readonly redisUrl?: string | undefined;
  readonly logger: Logger;
  /** The Redis stream's key. */
  readonly stream?: string | undefined;
  readonly maxLength?: number | undefined;
}

export function createEventBus({ redisUrl, logger, stream, maxLength }: EventBusOptions): EventBus {
  return redisUrl ? createRedisBus({ url: redisUrl, logger, stream, maxLength }) : createInProcessBus(maxLength ? { maxLength } : {});
}
