import { bigint, boolean, char, datetime, index, int, mysqlEnum, mysqlTable, primaryKey, tinyint, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

export const behaviourEventKinds = ['SESSION_STARTED', 'PRODUCT_VIEWED', 'SEARCHED', 'ADDED_TO_CART', 'CHECKOUT_STARTED'] as const;
export type BehaviourEventKind = (typeof behaviourEventKinds)[number];

/** Raw events as storefronts sent them, kept for ACTIVITY_RETENTION_DAYS; `event_id` unique drops replays. */
export const behaviourEvents = mysqlTable(
  'behaviour_events',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    eventId: varchar('event_id', { length: 64 }).notNull(),
    sessionId: varchar('session_id', { length: 64 }).notNull(),
    /** The logged-in caller who sent it, if any. */
    userId: bigint('user_id', { mode: 'number', unsigned: true }),
    kind: mysqlEnum('kind', behaviourEventKinds).notNull(),
    occurredAt: datetime('occurred_at', { mode: 'date', fsp: 3 }).notNull(),
    productId: bigint('product_id', { mode: 'number', unsigned: true }),
    quantity: int('quantity'),
    searchQuery: varchar('search_query', { length: 200 }),
    cartAmount: bigint('cart_amount', { mode: 'number' }),
    cartCurrency: char('cart_currency', { length: 3 }),
    path: varchar('path', { length: 512 }),
    receivedAt: datetime('received_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (table) => [
    uniqueIndex('behaviour_events_event_id_unique').on(table.eventId),
    index('behaviour_events_occurred_idx').on(table.occurredAt),
    index('behaviour_events_session_idx').on(table.sessionId, table.occurredAt),
    index('behaviour_events_kind_idx').on(table.kind, table.occurredAt),
  ],
);

export type BehaviourEventRow = typeof behaviourEvents.$inferSelect;
export type NewBehaviourEventRow = typeof behaviourEvents.$inferInsert;

/**
 * One row per storefront session, kept up to date by every batch: a rollup that outlives the raw events.
 * `furthest_stage` is the furthest funnel stage its events reached (see sessionStageOf).
 */
export const sessions = mysqlTable(
  'sessions',
  {
    sessionId: varchar('session_id', { length: 64 }).primaryKey(),
    userId: bigint('user_id', { mode: 'number', unsigned: true }),
    startedAt: datetime('started_at', { mode: 'date', fsp: 3 }).notNull(),
    lastSeenAt: datetime('last_seen_at', { mode: 'date', fsp: 3 }).notNull(),
    furthestStage: tinyint('furthest_stage', { unsigned: true }).notNull(),
    lastCartAt: datetime('last_cart_at', { mode: 'date', fsp: 3 }),
  },
  (table) => [
    index('sessions_last_seen_idx').on(table.lastSeenAt),
    index('sessions_started_idx').on(table.startedAt),
    index('sessions_user_idx').on(table.userId, table.lastSeenAt),
  ],
);

export type SessionRow = typeof sessions.$inferSelect;

/** Accepted events per minute and kind: the rollup that stays after retention deletes the raw events. */
export const activityMinutes = mysqlTable(
  'activity_minutes',
  {
    minute: datetime('minute', { mode: 'date' }).notNull(),
    kind: mysqlEnum('kind', behaviourEventKinds).notNull(),
    events: int('events', { unsigned: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.minute, table.kind] })],
);

export const orderFactStatuses = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderFactStatus = (typeof orderFactStatuses)[number];

/** Orders as the order events told them: enough for purchases, cohorts and daily order figures. */
export const orderFacts = mysqlTable(
  'order_facts',
  {
    orderId: bigint('order_id', { mode: 'number', unsigned: true }).primaryKey(),
    userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull(),
    placedAt: datetime('placed_at', { mode: 'date', fsp: 3 }).notNull(),
    totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    status: mysqlEnum('status', orderFactStatuses).notNull(),
    /** Paid at some point (PAID, SHIPPED or DELIVERED, or cancelled after payment). */
    paid: boolean('paid').notNull().default(false),
  },
  (table) => [index('order_facts_user_idx').on(table.userId, table.placedAt), index('order_facts_placed_idx').on(table.placedAt)],
);

export type OrderFactRow = typeof orderFacts.$inferSelect;
