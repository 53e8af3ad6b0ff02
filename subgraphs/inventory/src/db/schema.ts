import { sql } from 'drizzle-orm';
import { bigint, check, datetime, index, int, mysqlEnum, mysqlTable, primaryKey, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { defineOutboxTable } from '@rtc/service-kit';
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../stock/stock-level';

/**
 * Stock is kept per product variant. `product_id` holds the id of the variant stocked: a product's default variant has
 * the product's id, so the rows written before variants existed are its default variant's, unchanged.
 * `parent_product_id` is the product the variant belongs to; a product's stock is the sum of its variants' rows.
 * Reservation lines and the ledger name variants the same way, in their `product_id`.
 */
export const stock = mysqlTable(
  'stock',
  {
    productId: bigint('product_id', { mode: 'number', unsigned: true }).primaryKey(),
    parentProductId: bigint('parent_product_id', { mode: 'number', unsigned: true }).notNull(),
    onHand: int('on_hand').notNull().default(0),
    reserved: int('reserved').notNull().default(0),
    available: int('available').notNull().default(0),
    lowStockThreshold: int('low_stock_threshold').notNull().default(DEFAULT_LOW_STOCK_THRESHOLD),
    updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (table) => [
    index('stock_parent_product_idx').on(table.parentProductId),
    check('stock_not_negative', sql`${table.onHand} >= 0 AND ${table.reserved} >= 0 AND ${table.available} >= 0`),
    check('stock_balanced', sql`${table.onHand} = ${table.available} + ${table.reserved}`),
    check('stock_threshold_not_negative', sql`${table.lowStockThreshold} >= 0`),
  ],
);

export const reservationStatuses = ['HELD', 'COMMITTED', 'RELEASED', 'EXPIRED'] as const;
export const releaseReasons = ['CANCELLED', 'EXPIRED', 'FAILED'] as const;

export const reservations = mysqlTable(
  'reservations',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    reference: varchar('reference', { length: 100 }).notNull(),
    status: mysqlEnum('status', reservationStatuses).notNull(),
    releaseReason: mysqlEnum('release_reason', releaseReasons),
    expiresAt: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (table) => [uniqueIndex('reservations_reference_unique').on(table.reference), index('reservations_expiry_idx').on(table.status, table.expiresAt)],
);

export const reservationLines = mysqlTable(
  'reservation_lines',
  {
    reservationId: bigint('reservation_id', { mode: 'number', unsigned: true })
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    productId: bigint('product_id', { mode: 'number', unsigned: true }).notNull(),
    quantity: int('quantity').notNull(),
  },
  (table) => [
    primaryKey({ name: 'reservation_lines_pk', columns: [table.reservationId, table.productId] }),
    check('reservation_lines_quantity_positive', sql`${table.quantity} > 0`),
  ],
);

export const stockMovementKinds = ['RESERVATION', 'RELEASE', 'SALE', 'CANCELLATION', 'RESTOCK', 'ADJUSTMENT', 'EXPIRY'] as const;

export const stockLedger = mysqlTable(
  'stock_ledger',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    productId: bigint('product_id', { mode: 'number', unsigned: true }).notNull(),
    kind: mysqlEnum('kind', stockMovementKinds).notNull(),
    deltaOnHand: int('delta_on_hand').notNull(),
    deltaAvailable: int('delta_available').notNull(),
    reference: varchar('reference', { length: 100 }),
    reason: varchar('reason', { length: 255 }),
    actor: varchar('actor', { length: 100 }).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (table) => [index('stock_ledger_product_idx').on(table.productId, table.id)],
);

export const outbox = defineOutboxTable();

export type StockRow = typeof stock.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
export type ReservationLineRow = typeof reservationLines.$inferSelect;
export type StockMovementRow = typeof stockLedger.$inferSelect;
export type NewStockMovement = typeof stockLedger.$inferInsert;
export type StockMovementKind = (typeof stockMovementKinds)[number];
export type ReservationStatus = (typeof reservationStatuses)[number];
export type ReleaseReason = (typeof releaseReasons)[number];
