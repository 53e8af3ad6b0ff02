import { bigint, char, datetime, index, int, json, mysqlEnum, mysqlTable, primaryKey, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import type { PostalAddress } from '@rtc/service-kit';
import { defineOutboxTable } from '@rtc/service-kit';

export const orderStatuses = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;

const id = (name: string) => bigint(name, { mode: 'number', unsigned: true });
const instant = (name: string) => datetime(name, { mode: 'date', fsp: 3 });

export const orders = mysqlTable(
  'orders',
  {
    id: id('id').autoincrement().primaryKey(),
    userId: id('user_id').notNull(),
    idempotencyKey: varchar('idempotency_key', { length: 64 }).notNull(),
    reservationRef: varchar('reservation_ref', { length: 64 }).notNull(),
    // sha256 (hex) of what the checkout asked for; null on orders placed before it was recorded.
    payloadHash: char('payload_hash', { length: 64 }),
    status: mysqlEnum('status', orderStatuses).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    // total = subtotal + shipping + tax - discount, each fixed when the order is placed.
    totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
    subtotalAmount: bigint('subtotal_amount', { mode: 'number' }).notNull().default(0),
    shippingAmount: bigint('shipping_amount', { mode: 'number' }).notNull().default(0),
    taxAmount: bigint('tax_amount', { mode: 'number' }).notNull().default(0),
    discountAmount: bigint('discount_amount', { mode: 'number' }).notNull().default(0),
    // A copy of where the order goes, taken at placement: later edits of the account's addresses leave it alone.
    shippingAddress: json('shipping_address').$type<PostalAddress>(),
    itemCount: int('item_count').notNull(),
    placedAt: instant('placed_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    paidAt: instant('paid_at'),
    shippedAt: instant('shipped_at'),
    deliveredAt: instant('delivered_at'),
    cancelledAt: instant('cancelled_at'),
    // The release reason inventory records: CANCELLED (customer or staff) or EXPIRED (never paid).
    cancelReason: mysqlEnum('cancel_reason', ['CANCELLED', 'EXPIRED']),
    paymentId: varchar('payment_id', { length: 64 }),
    // Set once inventory confirmed the release of a cancelled order's stock; the sweeper retries until then.
    stockReleasedAt: instant('stock_released_at'),
  },
  (table) => [
    uniqueIndex('orders_user_idempotency_unique').on(table.userId, table.idempotencyKey),
    index('orders_user_placed_idx').on(table.userId, table.placedAt, table.id),
    index('orders_placed_idx').on(table.placedAt, table.id),
    index('orders_status_placed_idx').on(table.status, table.placedAt, table.id),
    index('orders_stock_release_idx').on(table.status, table.stockReleasedAt),
    index('orders_reservation_idx').on(table.reservationRef),
  ],
);

export const checkoutIntentStates = ['PENDING', 'ABANDONED'] as const;

/**
 * One row per checkout attempt between its reservation and its order: written before inventory is asked to reserve,
 * deleted by the transaction that writes the order, or marked ABANDONED (by the reconciler, or a failed checkout),
 * after which no order may use the reference and its reservation is released.
 */
export const checkoutIntents = mysqlTable(
  'checkout_intents',
  {
    reservationRef: varchar('reservation_ref', { length: 64 }).primaryKey(),
    state: mysqlEnum('state', checkoutIntentStates).notNull(),
    createdAt: instant('created_at').notNull(),
    // Set once inventory confirmed the release of an abandoned reference.
    releasedAt: instant('released_at'),
  },
  (table) => [index('checkout_intents_state_idx').on(table.state, table.releasedAt, table.createdAt)],
);

// A line names the variant bought and its product; the default variant's id is its product's id, so lines written
// before variants existed got variant_id = product_id in the migration that added it.
export const orderLines = mysqlTable(
  'order_lines',
  {
    orderId: id('order_id').notNull(),
    productId: id('product_id').notNull(),
    variantId: id('variant_id').notNull(),
    quantity: int('quantity').notNull(),
    unitAmount: bigint('unit_amount', { mode: 'number' }).notNull(),
    lineAmount: bigint('line_amount', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.variantId] })],
);

export const cartLines = mysqlTable(
  'cart_lines',
  {
    userId: id('user_id').notNull(),
    productId: id('product_id').notNull(),
    variantId: id('variant_id').notNull(),
    quantity: int('quantity').notNull(),
    addedAt: instant('added_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.variantId] })],
);

/**
 * Carts of shoppers who have not logged in, found by the sha256 of their token (the token itself is never stored).
 * A cart lives `GUEST_CART_TTL_SECONDS` after its last change; expired carts read as unknown and are deleted lazily.
 */
export const guestCarts = mysqlTable(
  'guest_carts',
  {
    id: id('id').autoincrement().primaryKey(),
    tokenHash: char('token_hash', { length: 64 }).notNull(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (table) => [uniqueIndex('guest_carts_token_unique').on(table.tokenHash), index('guest_carts_expires_idx').on(table.expiresAt)],
);

export const guestCartLines = mysqlTable(
  'guest_cart_lines',
  {
    cartId: id('cart_id').notNull(),
    productId: id('product_id').notNull(),
    /** The variant of the product; its default variant's id is the product's. */
    variantId: id('variant_id').notNull(),
    quantity: int('quantity').notNull(),
    addedAt: instant('added_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.cartId, table.variantId] })],
);

/**
 * Per minute (UTC) and currency, of the orders placed in that minute: those not cancelled (`orders`, `revenue`,
 * `units`), all of them (gross) and those paid and not cancelled since (net). Paying or cancelling an order moves
 * the buckets of the minute it was placed in.
 */
export const salesByMinute = mysqlTable(
  'sales_by_minute',
  {
    currency: char('currency', { length: 3 }).notNull(),
    minute: datetime('minute', { mode: 'date' }).notNull(),
    orders: int('orders').notNull(),
    revenue: bigint('revenue', { mode: 'number' }).notNull(),
    units: int('units').notNull(),
    grossOrders: int('gross_orders').notNull().default(0),
    grossRevenue: bigint('gross_revenue', { mode: 'number' }).notNull().default(0),
    grossUnits: int('gross_units').notNull().default(0),
    netOrders: int('net_orders').notNull().default(0),
    netRevenue: bigint('net_revenue', { mode: 'number' }).notNull().default(0),
    netUnits: int('net_units').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.currency, table.minute] })],
);

/** What each product sold per minute (UTC) and currency: in orders not cancelled, gross and net, as `salesByMinute`. */
export const productSalesByMinute = mysqlTable(
  'product_sales_by_minute',
  {
    currency: char('currency', { length: 3 }).notNull(),
    minute: datetime('minute', { mode: 'date' }).notNull(),
    productId: id('product_id').notNull(),
    orders: int('orders').notNull(),
    units: int('units').notNull(),
    revenue: bigint('revenue', { mode: 'number' }).notNull(),
    grossOrders: int('gross_orders').notNull().default(0),
    grossUnits: int('gross_units').notNull().default(0),
    grossRevenue: bigint('gross_revenue', { mode: 'number' }).notNull().default(0),
    netOrders: int('net_orders').notNull().default(0),
    netUnits: int('net_units').notNull().default(0),
    netRevenue: bigint('net_revenue', { mode: 'number' }).notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.currency, table.minute, table.productId] }),
    // The last-hour top products metric reads every currency.
    index('product_sales_minute_idx').on(table.minute, table.productId),
  ],
);

/**
 * What each variant sold per minute (UTC) and currency, as `productSalesByMinute` per product: an order with two
 * sizes of one product counts once for the product and once for each size.
 */
export const variantSalesByMinute = mysqlTable(
  'variant_sales_by_minute',
  {
    currency: char('currency', { length: 3 }).notNull(),
    minute: datetime('minute', { mode: 'date' }).notNull(),
    variantId: id('variant_id').notNull(),
    productId: id('product_id').notNull(),
    orders: int('orders').notNull(),
    units: int('units').notNull(),
    revenue: bigint('revenue', { mode: 'number' }).notNull(),
    grossOrders: int('gross_orders').notNull().default(0),
    grossUnits: int('gross_units').notNull().default(0),
    grossRevenue: bigint('gross_revenue', { mode: 'number' }).notNull().default(0),
    netOrders: int('net_orders').notNull().default(0),
    netUnits: int('net_units').notNull().default(0),
    netRevenue: bigint('net_revenue', { mode: 'number' }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.currency, table.minute, table.variantId] })],
);

/** Per customer: when their first order that is not cancelled was placed, and how many such orders exist. */
export const customerStats = mysqlTable('customer_stats', {
  userId: id('user_id').primaryKey(),
  firstOrderAt: instant('first_order_at'),
  orders: int('orders').notNull(),
});

export const outbox = defineOutboxTable();

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
export type GuestCartRow = typeof guestCarts.$inferSelect;
export type CheckoutIntentRow = typeof checkoutIntents.$inferSelect;
export type OrderStatus = (typeof orderStatuses)[number];
