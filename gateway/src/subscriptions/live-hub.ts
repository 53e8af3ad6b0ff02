import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import {
  contextFrom,
  createDeduplicator,
  Counter,
  ErrorCode,
  Gauge,
  inSpan,
  serviceUnavailable,
  SpanKind,
  type Caller,
  type EventBus,
  type LoggedEvent,
  type Logger,
  type ServiceMetrics,
  type Tracer,
} from '@rtc/service-kit';
import { createEntityQueryBatches } from './entity-query-batches';
import { createCoalescingWriter, type CoalescingFeed, type CoalescingTarget, type PendingUpdate, type SinkFlow } from './coalescing-writer';
import { entityIdVariable, planEntityQuery } from './entity-query';
import { createFunnelFeed, funnelStatsField } from './live-funnel';
import { liveFieldSpecs, type LiveFieldSpec, type LiveUpdate } from './live-fields';
import { createParkedIterator } from './parked-iterator';
import { maxWindowSeconds, type SalesWindow } from '@rtc/orders/live-sales';

export const salesStatsField = 'salesStats';

const primeQuery = `query LivePrimeSales($from: DateTime!, $to: DateTime!) {
  salesSeries(from: $from, to: $to, bucket: MINUTE) {
    start orders revenue { amount currency } units
    gross { orders revenue { amount } units }
    net { orders revenue { amount } units }
  }
}`;

interface PointFigures {
  readonly orders: number;
  readonly revenue: { readonly amount: number };
  readonly units: number;
}

interface SalesPoint extends PointFigures {
  readonly start: string;
  readonly revenue: { readonly amount: number; readonly currency: string };
  readonly gross: PointFigures;
  readonly net: PointFigures;
}

const saleFigures = ({ orders, revenue, units }: PointFigures) => ({ orders, amount: revenue.amount, units });

/** Where one subscriber's updates go: the serialized ExecutionResult of its group, once per update. */
export type LiveSink = (payloadJson: string) => void;

/** Runs a gateway query (through the federated query plan) with the rights of `caller`. */
export type FederatedResolver = (caller: Caller, query: string, variables: Record<string, unknown>) => Promise<ExecutionResult>;

export interface LiveSubscription {
  readonly query: string;
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variables: Record<string, unknown>;
  readonly rootField: string;
  readonly args: Record<string, unknown>;
}

/** A live update held for a subscriber while the events it missed are replayed to it. */
interface HeldUpdate {
  readonly eventId: string;
  readonly position: string;
  readonly payload: string;
  /** What a coalescing group's merged message is built from. */
  readonly update?: ResolvedUpdate | undefined;
}

/** An event's update for a group: serialized alone, with the root value and errors a merged message is built from. */
interface ResolvedUpdate {
  readonly payload: string;
  readonly item: Record<string, unknown>;
  readonly errors: readonly GraphQLError[];
}

interface Group {
  readonly subscription: LiveSubscription;
  readonly spec: LiveFieldSpec | null;
  readonly entityQuery: string | null;
  /** Asked for `coalesce: true` on a field with a list of updates: its subscribers get what is pending in one message. */
  readonly coalesce: boolean;
  /** Each coalescing subscriber's place in the coalescing writer. */
  readonly targets: Map<LiveSink, CoalescingTarget>;
  /** Where the coalescing group's updates go once for all its subscribers. */
  feed?: CoalescingFeed;
  /** Builds a coalesced message; one function per group, so its subscribers share what it built. */
  merge?: CoalescingTarget['merge'];
  /** Each subscriber's sink and caller; every caller of a group has the same scope, so any of them may resolve it. */
  readonly subscribers: Map<LiveSink, Caller>;
  /** Subscribers still being replayed to, with the live updates that arrived meanwhile. */
  readonly resuming: Map<LiveSink, HeldUpdate[]>;
  /**
   * Subscribers whose replay reached further than the live updates sent so far: an update whose resolution began before
   * the replay read its event must not reach them a second time. Cleared once a later event goes out.
   */
  readonly replayedThrough: Map<LiveSink, string>;
  /** The group's recent updates by event id, so a replay reuses what the group (or another replay) resolved already. */
  readonly recent: Map<string, Promise<ResolvedUpdate | null>>;
  /** Sends of the group's updates, chained so that they leave in event order whenever their resolutions finish. */
  chain: Promise<void>;
  /** The group's latest resolutions, at most `resolutionsInFlightPerGroup`: the next one starts when the oldest has settled. */
  readonly resolving: Promise<unknown>[];
}

/** How many resolved updates a group keeps for replays. */
const recentUpdatesPerGroup = 2_000;
/**
 * Federated resolutions a group runs at once. Resolving one event after another, a group could not keep up with
 * events that come faster than one resolution takes (a few round trips to subgraphs and MySQL); in order, its
 * updates would fall further behind without the gateway being busy. While the gateway fans out to thousands, each
 * of those round trips waits behind write slices and a resolution takes a few hundred ms: at 50 events a second, 8
 * at once were a ceiling the backlog grew against.
 */
const resolutionsInFlightPerGroup = 32;
/** Events read from the log per page of a replay. */
const replayPageSize = 500;

export interface LiveSubscribeOptions {
  /** The `eventPosition` of the last update this subscriber received: the matching events after it are replayed first. */
  readonly resumeAfter?: string | undefined;
  /** How the subscriber's connection keeps up; a coalescing subscriber's updates wait while it is behind. */
  readonly flow?: SinkFlow | undefined;
}

const alwaysKeepingUp: SinkFlow = { behind: () => false, giveUp: () => undefined };

/**
 * Callers who see the same data: staff by role, a customer alone (their own orders, their own email). A group
 * resolves as one of its subscribers, so each sees exactly what the same query over HTTP shows them.
 */
export function scopeOf(caller: Caller): string {
  return caller.role === 'CUSTOMER' ? `CUSTOMER:${caller.userId}` : caller.role;
}

export interface LiveHubOptions {
  readonly schema: () => GraphQLSchema;
  readonly resolve: FederatedResolver;
  readonly bus: EventBus;
  readonly salesWindow: SalesWindow;
  readonly storeCurrency: string;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** Present when tracing is on: each event is a span (continuing its publisher's trace) with its resolutions and sends. */
  readonly tracer?: Tracer | undefined;
  readonly statsIntervalMs?: number;
  /**
   * How long an update whose entity cannot be resolved for now (SERVICE_UNAVAILABLE, or no answer at all) is retried
   * before it is sent with its error; the group's later updates wait behind it. Default 60 s.
   */
  readonly entityRetryMs?: number;
}

const firstRetryBackoffMs = 250;
const maxRetryBackoffMs = 5_000;

// Entity data comes back keyed by response key (aliases), the payload's own fields by field name.
const responseKeyResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  if (source === null || typeof source !== 'object') return undefined;
  const record = source as Record<string, unknown>;
  const key = String(info.path.key);
  return key in record ? record[key] : record[info.fieldName];
};

/**
 * Fans bus events out to subscribers. Subscribers of the same operation, variables and scope form one group,
 * and each event is resolved once per group, through one federated query as a caller of that scope,
 * whatever the group's size.
 */
export function createLiveHub({
  schema,
  resolve,
  bus,
  salesWindow,
  storeCurrency,
  metrics,
  logger,
  tracer,
  statsIntervalMs = 1_000,
  entityRetryMs = 60_000,
}: LiveHubOptions) {
  const groups = new Map<string, Group>();
  const coalescing = createCoalescingWriter();
  let stopped = false;
  const isNew = createDeduplicator();
  const active = new Gauge({
    name: 'rtc_gateway_subscriptions',
    help: 'Active subscriptions by root field',
    labelNames: ['field'],
    registers: [metrics.registry],
  });
  const delivered = new Counter({
    name: 'rtc_gateway_events_delivered_total',
    help: 'Subscription updates sent to subscribers',
    labelNames: ['field'],
    registers: [metrics.registry],
  });
  const replayed = new Counter({
    name: 'rtc_gateway_events_replayed_total',
    help: 'Subscription updates replayed to resuming subscribers (resumeAfter)',
    labelNames: ['field'],
    registers: [metrics.registry],
  });
  const entityRetries = new Counter({
    name: 'rtc_gateway_subscription_resolution_retries_total',
    help: 'Federated resolutions of subscription updates tried again because a service they need was unavailable',
    labelNames: ['field'],
    registers: [metrics.registry],
  });
  const resolutions = new Counter({
    name: 'rtc_gateway_subscription_resolutions_total',
    help: 'Federated resolutions of subscription updates (one per group per event)',
    labelNames: ['field'],
    registers: [metrics.registry],
  });
  const entityQueriesRun = new Counter({
    name: 'rtc_gateway_subscription_entity_queries_total',
    help: 'Gateway queries run for the resolutions of subscription updates: one serves the groups of a scope and the events that arrived together',
    registers: [metrics.registry],
  });
  const entityQueries = createEntityQueryBatches({ run: resolve, onQuery: () => entityQueriesRun.inc() });

  const executeLocally = (group: Group, payload: Record<string, unknown>, extraErrors: readonly GraphQLError[] = []) => {
    const { document, operationName, variables, rootField } = group.subscription;
    const result = execute({
      schema: schema(),
      document,
      operationName,
      variableValues: variables,
      rootValue: { [rootField]: payload },
      fieldResolver: responseKeyResolver,
    }) as ExecutionResult;
    if (!extraErrors?.length) return result;
    return { ...result, errors: [...extraErrors, ...(result.errors ?? [])] };
  };

  // One serialization per group and update, however many subscribers share it; subscribers being replayed to hold it.
  const publish = (group: Group, payload: string, event?: LoggedEvent, update?: ResolvedUpdate) => {
    let sent = 0;
    // One pending update per event and group, however many coalescing subscribers wait for it.
    const pending: PendingUpdate | undefined =
      event && update && group.coalesce ? { eventId: event.id, position: event.position, payload, item: update.item, errors: update.errors } : undefined;
    if (pending && group.resuming.size === 0 && group.replayedThrough.size === 0) {
      // Every subscriber of a coalescing group is one of its targets; with none resuming, each simply gets the update.
      group.feed!.enqueueAll(pending);
      return;
    }
    for (const send of group.subscribers.keys()) {
      const held = event ? group.resuming.get(send) : undefined;
      if (held) {
        held.push({ eventId: event!.id, position: event!.position, payload, update });
        continue;
      }
      if (event && group.replayedThrough.size > 0) {
        const through = group.replayedThrough.get(send);
        if (through !== undefined) {
          if (bus.comparePositions(event.position, through) <= 0) continue;
          group.replayedThrough.delete(send);
        }
      }
      const target = pending ? group.targets.get(send) : undefined;
      if (target) {
        coalescing.enqueue(target, pending!);
        continue;
      }
      send(payload);
      sent += 1;
    }
    if (sent > 0) delivered.inc({ field: group.subscription.rootField }, sent);
  };

  /** One message carrying `updates` in its list field, positioned at the last of them. */
  const mergeOf = (group: Group) => {
    const listField = group.spec!.listField!;
    return (updates: readonly PendingUpdate[]): string => {
      const last = updates.at(-1)!;
      const result = executeLocally(
        group,
        { ...last.item, [listField]: updates.map((update) => update.item) },
        updates.flatMap((update) => update.errors),
      );
      return JSON.stringify({ ...result, extensions: { ...result.extensions, eventPosition: last.position } });
    };
  };

  const coalescingTarget = (group: Group, send: LiveSink, flow: SinkFlow, merge: CoalescingTarget['merge']): CoalescingTarget => ({
    send,
    flow,
    merge,
    onSent: (updates) => delivered.inc({ field: group.subscription.rootField }, updates),
  });

  /** The update's root value (its own fields and the entity resolved for it) and the errors of that resolution. */
  const resolveUpdate = async (
    group: Group,
    update: LiveUpdate,
    caller = group.subscribers.values().next().value,
  ): Promise<{ item: Record<string, unknown>; errors: readonly GraphQLError[] } | null> => {
    resolutions.inc({ field: group.subscription.rootField });
    if (!group.entityQuery) return { item: update.fields, errors: [] };
    if (!caller) return null;
    const entity = await resolveEntity(group, caller, group.entityQuery, { ...group.subscription.variables, [entityIdVariable]: update.entityId });
    // Paths of the entity query's own fields would misplace the errors in the subscriber's result: they go without.
    const errors = (entity.errors ?? []).map((error) => (error.path ? new GraphQLError(error.message, { extensions: error.extensions }) : error));
    return { item: { ...update.fields, ...(entity.data ?? {}) }, errors };
  };

  // A dependency that is down (a database restarting, a service being replaced) usually returns within seconds: the
  // update then arrives whole and late rather than at once and broken.
  const resolveEntity = async (group: Group, caller: Caller, query: string, variables: Record<string, unknown>): Promise<ExecutionResult> => {
    const deadline = Date.now() + entityRetryMs;
    for (let attempt = 0; ; attempt += 1) {
      let entity: ExecutionResult;
      let unavailable: boolean;
      try {
        entity = await entityQueries.resolve(scopeOf(caller), caller, { query, variables });
        unavailable = entity.errors?.some((error) => error.extensions?.['code'] === ErrorCode.ServiceUnavailable) ?? false;
      } catch (error) {
        logger.debug({ err: error, field: group.subscription.rootField }, 'live update could not be resolved');
        entity = { data: null, errors: [serviceUnavailable()] };
        unavailable = true;
      }
      const waitMs = Math.min(firstRetryBackoffMs * 2 ** attempt, maxRetryBackoffMs, deadline - Date.now());
      if (!unavailable || waitMs <= 0 || stopped || group.subscribers.size === 0) return entity;
      entityRetries.inc({ field: group.subscription.rootField });
      // Unref'd: a pending retry never holds a stopping gateway open.
      await new Promise((resolve) => setTimeout(resolve, waitMs / 2 + Math.random() * (waitMs / 2)).unref());
    }
  };

  const fieldOf = (group: Group) => ({ 'rtc.live.field': group.subscription.rootField, 'rtc.live.subscribers': group.subscribers.size });
  const resolveTraced = (group: Group, update: LiveUpdate, caller?: Caller) =>
    tracer
      ? inSpan(tracer, `live resolve ${group.subscription.rootField}`, { attributes: fieldOf(group) }, () => resolveUpdate(group, update, caller))
      : resolveUpdate(group, update, caller);
  const publishTraced = (group: Group, update: ResolvedUpdate, event: LoggedEvent) =>
    tracer
      ? void inSpan(tracer, `live send ${group.subscription.rootField}`, { kind: SpanKind.PRODUCER, attributes: fieldOf(group) }, async () =>
          publish(group, update.payload, event, update),
        )
      : publish(group, update.payload, event, update);

  /**
   * The serialized update of `event` for `group`, carrying the event's position; resolved once per group and event,
   * whether for the group's live subscribers or for a replay (then as `caller`, a subscriber of the group's scope).
   */
  const updateOf = (group: Group, event: LoggedEvent, update: LiveUpdate, caller?: Caller): Promise<ResolvedUpdate | null> => {
    const known = group.recent.get(event.id);
    if (known) return known;
    const listField = group.spec?.listField;
    const pending = resolveTraced(group, update, caller).then((resolved): ResolvedUpdate | null => {
      if (!resolved) return null;
      const item = listField ? { ...resolved.item, [listField]: null } : resolved.item;
      const result = executeLocally(group, listField ? { ...item, [listField]: [item] } : item, resolved.errors);
      return { payload: JSON.stringify({ ...result, extensions: { ...result.extensions, eventPosition: event.position } }), item, errors: resolved.errors };
    });
    group.recent.set(event.id, pending);
    if (group.recent.size > recentUpdatesPerGroup) group.recent.delete(group.recent.keys().next().value!);
    pending.catch(() => group.recent.delete(event.id));
    return pending;
  };

  const windowOf = (group: Group) => Number(group.subscription.args['windowSeconds']);
  // funnelStats groups of one window share each read of it, whatever their selection or scope (staff only).
  const funnelFeed = createFunnelFeed({
    resolve,
    logger,
    windows: () => {
      const windows = new Map<number, Caller>();
      for (const group of groups.values()) {
        if (group.subscription.rootField !== funnelStatsField) continue;
        const caller = group.subscribers.values().next().value;
        if (caller && !windows.has(windowOf(group))) windows.set(windowOf(group), caller);
      }
      return windows;
    },
    onStats: (windowSeconds, stats) => {
      for (const group of groups.values()) {
        if (group.subscription.rootField !== funnelStatsField || windowOf(group) !== windowSeconds) continue;
        resolutions.inc({ field: funnelStatsField });
        publish(group, JSON.stringify(executeLocally(group, stats)));
      }
    },
  });

  const onEvent = (event: LoggedEvent) => {
    if (!isNew(event.id)) return;
    if (!tracer) {
      fanOut(event);
      return;
    }
    void inSpan(
      tracer,
      `live event ${event.type}`,
      { kind: SpanKind.CONSUMER, parent: contextFrom(event.traceContext), attributes: { 'messaging.message.id': event.id, 'rtc.event.type': event.type } },
      async () => fanOut(event),
    );
  };

  const fanOut = (event: LoggedEvent) => {
    funnelFeed.onEvent(event);
    if (event.type === 'OrderPlaced') {
      const payload = event.payload as { orderId: string; placedAt?: string; total: { amount: number; currency: string }; units: number };
      salesWindow.add({
        orderId: String(payload.orderId),
        placedAt: Date.parse(payload.placedAt ?? event.occurredAt),
        amount: payload.total.amount,
        currency: payload.total.currency,
        units: payload.units,
      });
    } else if (event.type === 'OrderStatusChanged' && event.payload['status'] === 'CANCELLED') {
      salesWindow.cancel(String(event.payload['orderId']), Date.parse(event.occurredAt));
    } else if (event.type === 'OrderStatusChanged' && event.payload['status'] === 'PAID') {
      salesWindow.pay(String(event.payload['orderId']));
    }
    for (const group of groups.values()) {
      if (group.spec?.eventType !== event.type) continue;
      const update = group.spec.toUpdate(event, group.subscription.args);
      if (!update) continue;
      // Resolved alongside the group's earlier events, sent after them: a group's updates leave in event order.
      const resolveNext = () => updateOf(group, event, update);
      const oldest = group.resolving.length >= resolutionsInFlightPerGroup ? group.resolving.shift() : undefined;
      const payload = oldest ? oldest.then(resolveNext, resolveNext) : resolveNext();
      group.resolving.push(payload);
      group.chain = group.chain
        .then(() => payload)
        .then((resolved) => {
          if (resolved) publishTraced(group, resolved, event);
        })
        .catch((error: unknown) => logger.error({ err: error, field: group.subscription.rootField }, 'live update failed'))
        .finally(() => {
          const index = group.resolving.indexOf(payload);
          if (index >= 0) void group.resolving.splice(index, 1);
        });
    }
  };
  // Not a durable consumer: a restarted gateway primes its sales window from the rollups (replaying acknowledged events
  // would count them twice), and its subscribers catch up through resumeAfter.
  const unsubscribeBus = bus.subscribe(onEvent);

  // After a restart the window would start empty: the orders of the last hour come back from the per-minute rollups,
  // up to the minute the hub started (events cover the rest), so at most that minute's earlier orders are missing.
  const startedAt = Date.now();
  let primed: Promise<void> | undefined;
  // Read with the rights of the first staff subscriber of salesStats, the only ones who may see sales.
  const primeSalesWindow = (caller: Caller): Promise<void> => {
    primed ??= (async () => {
      const to = Math.floor(startedAt / 60_000) * 60_000;
      const result = await resolve(caller, primeQuery, {
        from: new Date(to - maxWindowSeconds * 1000).toISOString(),
        to: new Date(to).toISOString(),
      });
      const points = (result.data as { salesSeries?: SalesPoint[] } | null)?.salesSeries;
      if (!points) throw new Error(result.errors?.[0]?.message ?? 'no sales series');
      for (const point of points) {
        if (point.gross.orders === 0) continue;
        salesWindow.add({
          orderId: `minute:${point.start}`,
          placedAt: Date.parse(point.start),
          amount: point.revenue.amount,
          currency: point.revenue.currency,
          units: point.units,
          orders: point.orders,
          gross: saleFigures(point.gross),
          net: saleFigures(point.net),
        });
      }
    })().catch((error: unknown) => {
      primed = undefined;
      logger.warn({ err: error }, 'could not read recent sales back; live statistics start from new orders');
    });
    return primed;
  };

  const statsOf = (group: Group) =>
    salesWindow.stats({ now: Date.now(), windowSeconds: Number(group.subscription.args['windowSeconds']), currency: storeCurrency });
  const statsTimer = setInterval(() => {
    const now = Date.now();
    salesWindow.prune(now);
    // Groups that differ only in their selection share a window: sum each window's sales once per tick.
    const byWindow = new Map<number, ReturnType<SalesWindow['stats']>>();
    for (const group of groups.values()) {
      if (group.subscription.rootField !== salesStatsField) continue;
      const windowSeconds = Number(group.subscription.args['windowSeconds']);
      let stats = byWindow.get(windowSeconds);
      if (!stats) {
        stats = salesWindow.stats({ now, windowSeconds, currency: storeCurrency });
        byWindow.set(windowSeconds, stats);
      }
      resolutions.inc({ field: salesStatsField });
      publish(group, JSON.stringify(executeLocally(group, { ...stats })));
    }
  }, statsIntervalMs);
  statsTimer.unref();

  const keyOf = ({ query, operationName, variables }: LiveSubscription, caller: Caller) =>
    `${scopeOf(caller)}\n${operationName ?? ''}\n${query}\n${JSON.stringify(variables)}`;

  /**
   * Sends `sink` the group's updates for the events after `resumeAfter` that it missed, resolved with its own scope's
   * rights, then the live updates held meanwhile, each event once. A position the log no longer reaches back to
   * (or a log that cannot be read) means the subscriber just goes on live.
   */
  const replay = async (group: Group, sink: LiveSink, caller: Caller, resumeAfter: string) => {
    const spec = group.spec;
    const sent = new Set<string>();
    let position = resumeAfter;
    // A coalescing group's subscriber is replayed a page of updates per message, as it would have got them live when behind.
    const batch: PendingUpdate[] = [];
    const sendBatch = () => {
      if (batch.length === 0) return;
      sink(batch.length === 1 ? batch[0]!.payload : group.merge!(batch));
      replayed.inc({ field: group.subscription.rootField }, batch.length);
      batch.length = 0;
    };
    try {
      for (;;) {
        const read = await bus.readAfter(position, replayPageSize);
        if (read.tooOld) {
          logger.debug({ resumeAfter, field: group.subscription.rootField }, 'resume position has left the event log; going on live');
          break;
        }
        for (const event of read.events) {
          position = event.position;
          if (!group.subscribers.has(sink)) return;
          if (!spec || spec.eventType !== event.type) continue;
          const update = spec.toUpdate(event, group.subscription.args);
          if (!update) continue;
          const resolved = await updateOf(group, event, update, caller);
          if (!resolved) continue;
          sent.add(event.id);
          if (group.coalesce) {
            batch.push({ eventId: event.id, position: event.position, payload: resolved.payload, item: resolved.item, errors: resolved.errors });
            continue;
          }
          sink(resolved.payload);
          replayed.inc({ field: group.subscription.rootField });
        }
        if (!group.subscribers.has(sink)) return;
        sendBatch();
        if (read.events.length < replayPageSize) break;
      }
    } catch (error) {
      logger.warn({ err: error, field: group.subscription.rootField }, 'could not replay missed events; going on live');
    } finally {
      const held = group.resuming.get(sink) ?? [];
      group.resuming.delete(sink);
      // A subscriber that completed or left meanwhile is sent nothing more.
      if (!group.subscribers.has(sink)) held.length = batch.length = 0;
      sendBatch();
      const heldBatch: PendingUpdate[] = [];
      const sendHeld = () => {
        if (heldBatch.length > 0) sink(heldBatch.length === 1 ? heldBatch[0]!.payload : group.merge!(heldBatch));
        heldBatch.length = 0;
      };
      for (const update of held) {
        if (sent.has(update.eventId) || bus.comparePositions(update.position, resumeAfter) <= 0) continue;
        if (group.coalesce && update.update) {
          heldBatch.push({
            eventId: update.eventId,
            position: update.position,
            payload: update.payload,
            item: update.update.item,
            errors: update.update.errors,
          });
          if (heldBatch.length >= replayPageSize) sendHeld();
        } else {
          sendHeld();
          sink(update.payload);
        }
        if (bus.comparePositions(update.position, position) > 0) position = update.position;
      }
      sendHeld();
      if (group.subscribers.has(sink) && position !== resumeAfter) group.replayedThrough.set(sink, position);
    }
  };

  return {
    /** Joins (or opens) the group of this operation, variables and caller scope; returning the iterator leaves it. */
    subscribe(
      subscription: LiveSubscription,
      sink: LiveSink,
      caller: Caller,
      { resumeAfter, flow = alwaysKeepingUp }: LiveSubscribeOptions = {},
    ): AsyncIterableIterator<ExecutionResult> {
      const key = keyOf(subscription, caller);
      let group = groups.get(key);
      if (!group) {
        const spec = liveFieldSpecs.get(subscription.rootField) ?? null;
        const entityQuery = spec
          ? planEntityQuery(subscription.document, subscription.operationName, spec.entity.field, spec.entity.queryField, spec.listField).query
          : null;
        group = {
          subscription,
          spec,
          entityQuery,
          coalesce: spec?.listField !== undefined && subscription.args['coalesce'] === true,
          targets: new Map(),
          subscribers: new Map(),
          resuming: new Map(),
          replayedThrough: new Map(),
          recent: new Map(),
          chain: Promise.resolve(),
          resolving: [],
        };
        if (group.coalesce) {
          group.merge = mergeOf(group);
          group.feed = coalescing.createFeed();
        }
        groups.set(key, group);
      }
      const owner = group;
      const iterator = createParkedIterator<ExecutionResult>(() => {
        const target = owner.targets.get(sink);
        if (target) owner.feed!.leave(target);
        owner.targets.delete(sink);
        owner.subscribers.delete(sink);
        owner.resuming.delete(sink);
        owner.replayedThrough.delete(sink);
        active.dec({ field: subscription.rootField });
        if (owner.subscribers.size === 0 && groups.get(key) === owner) groups.delete(key);
      });
      owner.subscribers.set(sink, caller);
      if (owner.coalesce) {
        const target = coalescingTarget(owner, sink, flow, owner.merge!);
        owner.targets.set(sink, target);
        owner.feed!.join(target);
      }
      active.inc({ field: subscription.rootField });
      if (resumeAfter !== undefined && owner.spec) {
        owner.resuming.set(sink, []);
        void replay(owner, sink, caller, resumeAfter);
      }
      // A (re)connecting dashboard sees the current figures at once instead of waiting for the next tick.
      if (subscription.rootField === salesStatsField) {
        void primeSalesWindow(caller).then(() => sink(JSON.stringify(executeLocally(owner, { ...statsOf(owner) }))));
      }
      if (subscription.rootField === funnelStatsField) funnelFeed.joined(windowOf(owner), caller);
      return iterator;
    },
    get groupCount(): number {
      return groups.size;
    },
    /** Whether `value` may be given as `resumeAfter`: a position of the event log's form. */
    isPosition: (value: unknown): value is string => bus.isPosition(value),
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(statsTimer);
      funnelFeed.stop();
      coalescing.stop();
      unsubscribeBus();
      groups.clear();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
