import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryRows } from '@rtc/testkit';
import type { ClientError, LogicalOrder } from './checkout-load';
import type { TickSubscriber } from './tick-subscribers';

/** What the store holds after a run, read straight from the orders and inventory databases. */
export interface StoreState {
  readonly orders: readonly { id: string; userId: string; idempotencyKey: string; reservationRef: string; status: string; stockReleased: boolean }[];
  readonly reservations: ReadonlyMap<string, string>;
  readonly stock: readonly {
    productId: string;
    onHand: number;
    available: number;
    reserved: number;
    ledgerOnHand: number;
    ledgerAvailable: number;
    held: number;
  }[];
}

export interface StoreDatabases {
  /** URL of the orders service's database. */
  readonly orders: string;
  /** URL of the inventory service's database. */
  readonly inventory: string;
}

export async function readStore(databases: StoreDatabases): Promise<StoreState> {
  const [orders, reservations, stock] = await Promise.all([
    queryRows<{ id: number; user_id: number; idempotency_key: string; reservation_ref: string; status: string; stock_released_at: Date | null }>(
      databases.orders,
      'SELECT id, user_id, idempotency_key, reservation_ref, status, stock_released_at FROM orders',
    ),
    queryRows<{ reference: string; status: string }>(databases.inventory, 'SELECT reference, status FROM reservations'),
    queryRows<{ product_id: number; on_hand: number; available: number; reserved: number; ledger_on_hand: number; ledger_available: number; held: number }>(
      databases.inventory,
      `SELECT s.product_id, s.on_hand, s.available, s.reserved,
              (SELECT COALESCE(SUM(l.delta_on_hand), 0) FROM stock_ledger l WHERE l.product_id = s.product_id) AS ledger_on_hand,
              (SELECT COALESCE(SUM(l.delta_available), 0) FROM stock_ledger l WHERE l.product_id = s.product_id) AS ledger_available,
              (SELECT COALESCE(SUM(rl.quantity), 0) FROM reservation_lines rl JOIN reservations r ON r.id = rl.reservation_id
                WHERE rl.product_id = s.product_id AND r.status = 'HELD') AS held
         FROM stock s`,
    ),
  ]);
  return {
    orders: orders.map((row) => ({
      id: String(row.id),
      userId: String(row.user_id),
      idempotencyKey: row.idempotency_key,
      reservationRef: row.reservation_ref,
      status: row.status,
      stockReleased: row.stock_released_at !== null,
    })),
    reservations: new Map(reservations.map((row) => [row.reference, row.status])),
    stock: stock.map((row) => ({
      productId: String(row.product_id),
      onHand: Number(row.on_hand),
      available: Number(row.available),
      reserved: Number(row.reserved),
      ledgerOnHand: Number(row.ledger_on_hand),
      ledgerAvailable: Number(row.ledger_available),
      held: Number(row.held),
    })),
  };
}

/** Every order the API confirmed exists, once, for the customer and key it was placed with; no key has two orders. */
export function confirmedOrdersExistOnce(state: StoreState, placed: readonly LogicalOrder[]): string[] {
  const problems: string[] = [];
  const byId = new Map(state.orders.map((row) => [row.id, row]));
  const rowsPerKey = new Map<string, number>();
  for (const row of state.orders) rowsPerKey.set(`${row.userId}:${row.idempotencyKey}`, (rowsPerKey.get(`${row.userId}:${row.idempotencyKey}`) ?? 0) + 1);
  const confirmedBy = new Map<string, string>();
  for (const order of placed) {
    const answeredIds = new Set(order.attempts.flatMap((attempt) => (attempt.orderId && attempt.errors.length === 0 ? [attempt.orderId] : [])));
    if (answeredIds.size > 1) problems.push(`key ${order.idempotencyKey} was confirmed as several orders: ${[...answeredIds].join(', ')}`);
    if (!order.orderId) continue;
    const row = byId.get(order.orderId);
    if (!row) problems.push(`order ${order.orderId} was confirmed (key ${order.idempotencyKey}) but does not exist`);
    else if (row.userId !== order.userId || row.idempotencyKey !== order.idempotencyKey) {
      problems.push(
        `order ${order.orderId} was confirmed for user ${order.userId} key ${order.idempotencyKey} but belongs to user ${row.userId} key ${row.idempotencyKey}`,
      );
    }
    const rows = rowsPerKey.get(`${order.userId}:${order.idempotencyKey}`) ?? 0;
    if (rows > 1) problems.push(`key ${order.idempotencyKey} has ${rows} orders`);
    const earlier = confirmedBy.get(order.orderId);
    if (earlier) problems.push(`order ${order.orderId} was confirmed for two keys: ${earlier} and ${order.idempotencyKey}`);
    confirmedBy.set(order.orderId, order.idempotencyKey);
  }
  return problems;
}

/** An order the API never confirmed may exist only cancelled, with its stock given back. */
export function noUnconfirmedOrders(state: StoreState, placed: readonly LogicalOrder[]): string[] {
  const confirmed = new Set(placed.flatMap((order) => (order.orderId ? [order.orderId] : [])));
  const abandonedKeys = new Set(placed.flatMap((order) => (order.abandoned ? [order.idempotencyKey] : [])));
  const refusedKeys = new Map(placed.flatMap((order) => (order.refusal ? [[order.idempotencyKey, order.refusal] as const] : [])));
  const problems: string[] = [];
  for (const row of state.orders) {
    if (confirmed.has(row.id)) continue;
    const reservation = state.reservations.get(row.reservationRef) ?? 'none';
    const released = row.status === 'CANCELLED' && row.stockReleased && reservation !== 'HELD' && reservation !== 'COMMITTED';
    if (!released) {
      const refused = refusedKeys.get(row.idempotencyKey);
      problems.push(
        `order ${row.id} (key ${row.idempotencyKey}) exists, ${row.status}, reservation ${reservation}, but the API ${refused ? `refused it with ${refused}` : 'never confirmed it'}${abandonedKeys.has(row.idempotencyKey) ? ' (its customer gave up)' : ''}`,
      );
    }
  }
  return problems;
}

/** Stock equals its ledger for every product, and what is reserved equals what held reservations hold. */
export function stockMatchesLedger(state: StoreState): string[] {
  const problems: string[] = [];
  if (state.stock.length === 0) problems.push('no stock rows at all');
  for (const row of state.stock) {
    if (row.onHand !== row.ledgerOnHand || row.available !== row.ledgerAvailable) {
      problems.push(`product ${row.productId}: on hand ${row.onHand} / available ${row.available}, ledger says ${row.ledgerOnHand} / ${row.ledgerAvailable}`);
    }
    if (row.reserved !== row.held) problems.push(`product ${row.productId}: reserved ${row.reserved}, held reservations hold ${row.held}`);
  }
  return problems;
}

/** No stock is held by a reservation whose order does not exist (or was cancelled), and every live order holds its stock. */
export function noReservationWithoutOrder(state: StoreState): string[] {
  const problems: string[] = [];
  const liveOrders = new Map(state.orders.filter((row) => row.status !== 'CANCELLED').map((row) => [row.reservationRef, row]));
  for (const [reference, status] of state.reservations) {
    if (status === 'HELD' && !liveOrders.has(reference)) problems.push(`reservation ${reference} is HELD without a live order`);
  }
  for (const row of liveOrders.values()) {
    const status = state.reservations.get(row.reservationRef);
    if (status !== 'HELD' && status !== 'COMMITTED') problems.push(`order ${row.id} is ${row.status} but its reservation is ${status ?? 'missing'}`);
  }
  return problems;
}

/** Each subscriber received exactly one tick for every order in the store, and none for an order that is not. */
export function oneTickPerOrder(state: StoreState, subscribers: readonly TickSubscriber[]): string[] {
  const expected = new Set(state.orders.map((row) => row.id));
  // Subscribers that saw the same gap are reported together: twenty identical lines say less than one.
  const grouped = new Map<string, number[]>();
  const note = (problem: string, index: number) => grouped.set(problem, [...(grouped.get(problem) ?? []), index]);
  for (const subscriber of subscribers) {
    const counts = new Map<string, number>();
    for (const id of subscriber.orderIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = [...expected].filter((id) => !counts.has(id));
    const doubled = [...counts]
      .filter(([, count]) => count > 1)
      .map(([id, count]) => `${id}×${count} at event positions ${subscriber.positionsOf(id).join(' and ')}`);
    const unknown = [...counts.keys()].filter((id) => !expected.has(id));
    if (missing.length) note(`missed ${missing.length} of ${expected.size} ticks (${sample(missing)})`, subscriber.index);
    if (doubled.length) note(`received ${doubled.length} ticks more than once (${sample(doubled)})`, subscriber.index);
    if (unknown.length) note(`received ticks of orders that do not exist (${sample(unknown)})`, subscriber.index);
  }
  return [...grouped].map(
    ([problem, indexes]) => `${indexes.length === 1 ? 'subscriber' : `${indexes.length} subscribers`} ${sample(indexes.map(String))} ${problem}`,
  );
}

/** After recovery, every order has an answer: confirmed or refused with a final code, none still failing. */
export function everyOrderAnswered(placed: readonly LogicalOrder[]): string[] {
  const open = placed.filter((order) => !order.orderId && !order.refusal && !order.abandoned);
  if (open.length === 0) return [];
  const lastCodes = open.map(
    (order) =>
      order.attempts
        .at(-1)
        ?.errors.map((error) => error.code ?? error.message)
        .join('+') ?? 'no attempt',
  );
  return [`${open.length} orders still had no answer after recovery (last answers: ${sample([...new Set(lastCodes)])})`];
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The slowest requests: when they started (ms after the fault began), how long they took, what they got. */
  readonly slowest: readonly string[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Latency of every checkout request started between `from` and `to` (epoch ms), answered or not. */
export function checkoutLatency(placed: readonly LogicalOrder[], from: number, to: number): LatencySummary {
  const attempts = placed
    .flatMap((order) => order.attempts)
    .filter((attempt) => attempt.startedAt >= from && attempt.startedAt <= to)
    .sort((a, b) => a.durationMs - b.durationMs);
  const durations = attempts.map((attempt) => attempt.durationMs);
  const slowest = attempts
    .slice(-3)
    .reverse()
    .map((attempt) => {
      const answer = attempt.orderId ? 'confirmed' : attempt.errors.map((error) => error.code ?? error.message).join('+');
      return `${attempt.durationMs} ms from +${((attempt.startedAt - from) / 1_000).toFixed(1)} s (${answer})`;
    });
  return { count: durations.length, p50: percentile(durations, 50), p99: percentile(durations, 99), max: durations.at(-1) ?? 0, slowest };
}

/** The shortest window checkout latency is measured over, from the fault's start: 30 or more checkouts at 12 orders/s. */
export const minimumLatencyWindowMs = 2_500;

export function checkoutP99Under(summary: LatencySummary, limitMs: number): string[] {
  if (summary.count < 20) return [`only ${summary.count} checkouts started during the fault: too few to measure`];
  return summary.p99 < limitMs
    ? []
    : [
        `checkout p99 during the fault was ${summary.p99} ms (p50 ${summary.p50}, max ${summary.max}, ${summary.count} requests), not under ${limitMs} ms; ` +
          `slowest: ${summary.slowest.join(', ')}`,
      ];
}

// What a client must never see: SQL, addresses, driver and HTTP-client error names, stack traces, source paths.
const internalDetail: readonly [string, RegExp][] = [
  ['SQL', /\b(select\s[\s\S]*\sfrom|insert\s+into|update\s+`?\w+`?\s+set|delete\s+from)\b|\bER_[A-Z_]+\b|sqlMessage|sqlState/i],
  ['host:port', /\b\d{1,3}(?:\.\d{1,3}){3}:\d{2,5}\b|\blocalhost:\d{2,5}\b|\[[0-9a-f:]*\]:\d{2,5}/i],
  ['socket error code', /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN)\b/],
  ['HTTP client error', /UND_ERR|Headers ?Timeout ?Error|Body ?Timeout ?Error|SocketError|ConnectTimeoutError|other side closed|fetch failed/i],
  ['Redis client error', /MaxRetriesPerRequest|Connection is closed|ioredis/i],
  ['stack trace', /\n\s+at\s|\bat\s+\S+\s+\(?[^()\s]+:\d+:\d+\)?|"stacktrace"/],
  ['source path', /[\w.-]+\/[\w.-]+\.(?:ts|js|mjs|cjs)\b/],
];

export function internalDetailIn(text: string): string | null {
  for (const [kind, pattern] of internalDetail) if (pattern.test(text)) return kind;
  return null;
}

/**
 * Every error a client saw carries one of `allowedCodes` and nothing internal; an unavailable dependency that failed the
 * whole request answers HTTP 503.
 */
export function failuresCodedAndClean(errors: readonly ClientError[], allowedCodes: readonly string[]): string[] {
  const problems = new Map<string, { count: number; example: string }>();
  const note = (kind: string, example: string) => {
    const entry = problems.get(kind);
    if (entry) entry.count++;
    else problems.set(kind, { count: 1, example });
  };
  for (const error of errors) {
    if (error.httpStatus === null && error.where === 'placeOrder') {
      note('a transport failure instead of an answer', error.raw);
      continue;
    }
    if (error.code === null || !allowedCodes.includes(error.code))
      note(`${error.where}: code ${error.code ?? 'missing'}`, `${error.httpStatus ?? 'ws'} ${error.raw}`);
    const leak = internalDetailIn(`${error.message}\n${error.raw}`);
    if (leak) note(`${error.where}: ${leak} in the error`, error.raw);
    if (error.code === 'SERVICE_UNAVAILABLE' && error.dataNull && error.httpStatus !== null && error.httpStatus !== 503) {
      note(`${error.where}: SERVICE_UNAVAILABLE without data answered HTTP ${error.httpStatus}, not 503`, error.raw);
    }
  }
  return [...problems].map(([kind, { count, example }]) => `${kind}: ${count}×, e.g. ${example.slice(0, 400)}`);
}

// An error event nobody listened to (ioredis prints these), a rejection nobody handled, a process that died of one.
const unhandled = /Unhandled error event|UnhandledPromiseRejection|unhandledRejection|^Node\.js v\d+/m;

/** No service process logged an unhandled error or died of an uncaught exception (their logs are in `logDir`). */
export function serviceLogsClean(logDir: string): string[] {
  const problems: string[] = [];
  for (const file of readdirSync(logDir).filter((name) => name.endsWith('.log'))) {
    const lines = readFileSync(join(logDir, file), 'utf8').split('\n');
    const hits = lines.filter((line) => unhandled.test(line));
    if (hits.length > 0) problems.push(`${file}: ${hits.length} lines like ${hits[0]!.slice(0, 200)}`);
  }
  return problems;
}

function sample(items: readonly string[], size = 8): string {
  return items.length > size ? `${items.slice(0, size).join(', ')}, … ${items.length - size} more` : items.join(', ');
}

export interface InvariantInput {
  readonly databases: StoreDatabases;
  readonly placed: readonly LogicalOrder[];
  readonly subscribers: readonly TickSubscriber[];
  /** Where the service processes wrote their logs. */
  readonly logDir: string;
  /** The fault's start and end (epoch ms): checkout latency is measured between them. */
  readonly fault: { readonly from: number; readonly to: number };
  /** Until when (epoch ms) reservations and ticks may settle: a crashed checkout's reservation goes back within a minute. */
  readonly settleUntil: number;
  readonly p99LimitMs?: number;
  readonly checkoutCodes?: readonly string[];
  readonly subscriberCodes?: readonly string[];
}

export interface InvariantReport {
  readonly confirmedOrdersExistOnce: string[];
  readonly noUnconfirmedOrders: string[];
  readonly stockMatchesLedger: string[];
  readonly noReservationWithoutOrder: string[];
  readonly oneTickPerOrder: string[];
  readonly everyOrderAnswered: string[];
  readonly checkoutP99: string[];
  readonly failuresCodedAndClean: string[];
  readonly serviceLogsClean: string[];
  readonly latency: LatencySummary;
  readonly counts: {
    placed: number;
    confirmed: number;
    refused: Record<string, number>;
    unanswered: number;
    abandoned: number;
    orders: number;
    attempts: number;
    subscriberErrors: number;
  };
}

/**
 * Reads the store until the checks that may take time to settle (a crashed checkout's reservation released, ticks
 * delivered after a reconnect) pass or `settleUntil` comes, then runs every check once more. Each check's problems are
 * listed apart, so a failing test names exactly which invariant broke and where.
 */
export async function checkInvariants(input: InvariantInput): Promise<InvariantReport> {
  const {
    settleUntil,
    p99LimitMs = 1_000,
    checkoutCodes = ['OUT_OF_STOCK', 'SERVICE_UNAVAILABLE', 'CONFLICT'],
    subscriberCodes = ['SERVICE_UNAVAILABLE'],
  } = input;
  let state = await readStore(input.databases);
  while (
    Date.now() < settleUntil &&
    (noReservationWithoutOrder(state).length > 0 || oneTickPerOrder(state, input.subscribers).some((problem) => problem.includes(' missed ')))
  ) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    state = await readStore(input.databases);
  }
  // A duplicate may arrive just after the last missing tick.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  state = await readStore(input.databases);

  // A fault that heals within seconds (a process restarted) sees too few checkouts to measure, so the window runs at
  // least this long from the fault's start: the first seconds after recovery are part of what clients feel.
  const latency = checkoutLatency(input.placed, input.fault.from, Math.max(input.fault.to, input.fault.from + minimumLatencyWindowMs));
  const subscriberErrors = input.subscribers.flatMap((subscriber) => subscriber.errors());
  const refused: Record<string, number> = {};
  for (const order of input.placed) if (order.refusal) refused[order.refusal] = (refused[order.refusal] ?? 0) + 1;
  return {
    confirmedOrdersExistOnce: confirmedOrdersExistOnce(state, input.placed),
    noUnconfirmedOrders: noUnconfirmedOrders(state, input.placed),
    stockMatchesLedger: stockMatchesLedger(state),
    noReservationWithoutOrder: noReservationWithoutOrder(state),
    oneTickPerOrder: oneTickPerOrder(state, input.subscribers),
    everyOrderAnswered: everyOrderAnswered(input.placed),
    checkoutP99: checkoutP99Under(latency, p99LimitMs),
    failuresCodedAndClean: [
      ...failuresCodedAndClean(
        input.placed.flatMap((order) => order.attempts.flatMap((attempt) => attempt.errors)),
        checkoutCodes,
      ),
      ...failuresCodedAndClean(subscriberErrors, subscriberCodes),
    ],
    serviceLogsClean: serviceLogsClean(input.logDir),
    latency,
    counts: {
      placed: input.placed.length,
      confirmed: input.placed.filter((order) => order.orderId).length,
      refused,
      unanswered: input.placed.filter((order) => !order.orderId && !order.refusal && !order.abandoned).length,
      abandoned: input.placed.filter((order) => order.abandoned).length,
      orders: state.orders.length,
      attempts: input.placed.reduce((sum, order) => sum + order.attempts.length, 0),
      subscriberErrors: subscriberErrors.length,
    },
  };
}
