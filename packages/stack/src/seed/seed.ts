import { drizzle } from 'drizzle-orm/mysql2';
import { activitySchema } from '@rtc/activity';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import { catalogSchema } from '@rtc/catalog';
import type { SubgraphName } from '@rtc/gateway';
import { inventorySchema } from '@rtc/inventory';
import { applyOrderHistoryToRollups, ordersSchema } from '@rtc/orders';
import { createMysqlPool, runnerOn, withDatabase, type Pool } from '@rtc/service-kit';
import { hashPassword, usersSchema } from '@rtc/users';
import { customerPassword, planStore, staffAccounts, type StorePlan } from './plan';

export interface SeedRunOptions {
  readonly timeZone: string;
  readonly currency: string;
  readonly now?: Date;
  readonly products?: number;
  readonly customers?: number;
  readonly orders?: number;
  readonly onProgress?: (message: string) => void;
}

const chunkSize = 2_000;

async function insertChunked<T extends Record<string, unknown>>(
  pool: Pool,
  table: MySqlTable,
  rows: readonly T[],
  onChunk?: (done: number) => void,
): Promise<void> {
  const db = drizzle(pool);
  for (let start = 0; start < rows.length; start += chunkSize) {
    await db.insert(table).values(rows.slice(start, start + chunkSize) as never);
    onChunk?.(Math.min(start + chunkSize, rows.length));
  }
}

async function rowCount(pool: Pool, table: string): Promise<number> {
  const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number((rows as { n: number }[])[0]?.n ?? 0);
}

async function seedUsers(pool: Pool, plan: StorePlan): Promise<void> {
  // One hash for every demo customer: hashing 5,000 passwords with argon2 would take minutes for no gain.
  const customerHash = await hashPassword(customerPassword);
  const staffHashes = new Map<string, string>(
    await Promise.all(staffAccounts.map(async (staff) => [staff.email, await hashPassword(staff.password)] as const)),
  );
  await insertChunked(
    pool,
    usersSchema.users,
    plan.users.map((user) => ({ ...user, passwordHash: staffHashes.get(user.email) ?? customerHash })),
  );
}

async function seedCatalog(pool: Pool, plan: StorePlan, currency: string): Promise<void> {
  await insertChunked(
    pool,
    catalogSchema.categories,
    plan.categories.map((category) => ({ ...category, createdAt: new Date() })),
  );
  await insertChunked(
    pool,
    catalogSchema.products,
    plan.products.map((product) => ({ ...product, currency })),
  );
  await insertChunked(
    pool,
    catalogSchema.productImages,
    plan.productImages.map((image) => ({ ...image })),
  );
  const createdAt = new Map(plan.products.map((product) => [product.id, product.createdAt]));
  // A default variant carries its product's compare-at price, as catalog keeps them in step.
  const compareAt = new Map(plan.products.map((product) => [product.id, product.compareAtAmount]));
  await insertChunked(
    pool,
    catalogSchema.productVariants,
    plan.variants.map((variant) => ({
      ...variant,
      compareAtAmount: variant.id === variant.productId ? (compareAt.get(variant.productId) ?? null) : null,
      createdAt: createdAt.get(variant.productId)!,
    })),
  );
}

async function seedInventory(pool: Pool, plan: StorePlan, now: Date): Promise<void> {
  await insertChunked(
    pool,
    inventorySchema.stock,
    plan.stock.map((row) => ({ ...row, reserved: 0, available: row.onHand, updatedAt: now })),
  );
  await insertChunked(
    pool,
    inventorySchema.stockLedger,
    plan.stock.map((row) => ({
      productId: row.productId,
      kind: 'RESTOCK' as const,
      deltaOnHand: row.onHand,
      deltaAvailable: row.onHand,
      reference: 'seed',
      reason: 'opening stock',
      actor: 'seed',
      createdAt: now,
    })),
  );
}

async function seedOrders(pool: Pool, plan: StorePlan, currency: string, progress: (message: string) => void): Promise<void> {
  const orderRows = plan.orders.map((order) => ({
    id: order.id,
    userId: order.userId,
    idempotencyKey: `seed-${order.id}`,
    reservationRef: `seed-${order.id}`,
    status: order.status,
    currency,
    totalAmount: order.total,
    // Seeded orders were charged their lines alone: no shipping, tax or discount.
    subtotalAmount: order.total,
    itemCount: order.units,
    placedAt: order.placedAt,
    updatedAt: order.cancelledAt ?? order.deliveredAt ?? order.shippedAt ?? order.paidAt ?? order.placedAt,
    paidAt: order.paidAt,
    shippedAt: order.shippedAt,
    deliveredAt: order.deliveredAt,
    cancelledAt: order.cancelledAt,
    paymentId: order.paidAt ? `seed-payment-${order.id}` : null,
    stockReleasedAt: order.cancelledAt,
  }));
  await insertChunked(pool, ordersSchema.orders, orderRows, (done) => {
    if (done % 10_000 === 0 || done === orderRows.length) progress(`orders ${done}/${orderRows.length}`);
  });
  const lineRows = plan.orders.flatMap((order) => order.lines.map((line) => ({ orderId: order.id, ...line, lineAmount: line.quantity * line.unitAmount })));
  await insertChunked(pool, ordersSchema.orderLines, lineRows);
  progress(`order lines ${lineRows.length}`);
  const history = plan.orders.map((order) => ({
    status: order.status,
    userId: order.userId,
    placedAt: order.placedAt,
    currency,
    totalAmount: order.total,
    lines: order.lines.map((line) => ({
      productId: line.productId,
      variantId: line.variantId,
      quantity: line.quantity,
      lineAmount: line.quantity * line.unitAmount,
    })),
  }));
  await applyOrderHistoryToRollups(runnerOn(pool), history);
  progress('sales rollups');
}

/** The seeded history as the activity service would have read it from the order events. */
async function seedOrderFacts(pool: Pool, plan: StorePlan, currency: string): Promise<void> {
  await insertChunked(
    pool,
    activitySchema.orderFacts,
    plan.orders.map((order) => ({
      orderId: order.id,
      userId: order.userId,
      placedAt: order.placedAt,
      totalAmount: order.total,
      currency,
      status: order.status,
      paid: order.paidAt !== null,
    })),
  );
}

const seededTables: Record<SubgraphName, readonly string[]> = {
  users: ['users', 'outbox'],
  catalog: ['product_images', 'product_variants', 'products', 'categories'],
  inventory: ['stock_ledger', 'stock', 'outbox'],
  orders: ['order_lines', 'orders', 'sales_by_minute', 'product_sales_by_minute', 'variant_sales_by_minute', 'customer_stats', 'outbox'],
  activity: ['order_facts'],
};

async function clearSeededTables(pools: Record<SubgraphName, Pool>): Promise<void> {
  for (const [name, tables] of Object.entries(seededTables) as [SubgraphName, readonly string[]][]) {
    for (const table of tables) await pools[name].query(`DELETE FROM \`${table}\``);
  }
}

/**
 * Fills an empty store with a realistic month of trading: 20 departments in 4 top-level categories, 2,000 products with images, 5,000 customers
 * and 50,000 orders. Does nothing when the catalog already has products.
 */
export async function seedIfEmpty(serverUrl: string, databases: Record<SubgraphName, string>, options: SeedRunOptions): Promise<boolean> {
  const pools = Object.fromEntries(
    (Object.keys(databases) as SubgraphName[]).map((name) => [name, createMysqlPool({ url: withDatabase(serverUrl, databases[name]), connectionLimit: 2 })]),
  ) as Record<SubgraphName, Pool>;
  const progress = options.onProgress ?? (() => undefined);
  try {
    // The catalog is written last, so products mean a finished seed (or a real store).
    if ((await rowCount(pools.catalog, 'products')) > 0) {
      progress('the store already has data; nothing to seed');
      return false;
    }
    if ((await rowCount(pools.users, 'users')) > 0 || (await rowCount(pools.orders, 'orders')) > 0) {
      throw new Error(
        'The catalog is empty but users or orders exist: an earlier seed stopped half-way, or this is a store without products. ' +
          'Drop the rtc_users, rtc_catalog, rtc_orders, rtc_inventory and rtc_activity databases to seed afresh, or set RTC_SEED=never.',
      );
    }
    const started = Date.now();
    const now = options.now ?? new Date();
    const plan = planStore({
      now,
      timeZone: options.timeZone,
      currency: options.currency,
      ...(options.products ? { products: options.products } : {}),
      ...(options.customers ? { customers: options.customers } : {}),
      ...(options.orders ? { orders: options.orders } : {}),
    });
    progress(`planned ${plan.products.length} products, ${plan.users.length} users, ${plan.orders.length} orders`);
    await seedUsers(pools.users, plan);
    progress(`users ${plan.users.length}`);
    await seedInventory(pools.inventory, plan, now);
    progress(`stock for ${plan.stock.length} products`);
    await seedOrders(pools.orders, plan, options.currency, progress);
    await seedOrderFacts(pools.activity, plan, options.currency);
    progress(`order facts for activity ${plan.orders.length}`);
    await seedCatalog(pools.catalog, plan, options.currency);
    progress(`catalog ${plan.categories.length} categories, ${plan.products.length} products`);
    progress(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    // Every table was empty when seeding began, so emptying them again loses nothing and lets the next start retry.
    await clearSeededTables(pools).catch(() => undefined);
    throw error;
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.end()));
  }
}
