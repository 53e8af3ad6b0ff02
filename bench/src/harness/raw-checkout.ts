// The ceiling a checkout through the gateway is measured against: the SQL that placeOrder runs, issued straight
// from this process with mysql2, without HTTP, GraphQL or federation. Every statement mirrors one the services
// run (orders: checkout/place-order.ts, checkout/checkout-intents.ts and rollups/write-rollups.ts; catalog: the Product entity loader;
// inventory: reservations/reservations.ts and stock/stock-movements.ts; the kit's outbox). Change them together.
import { createHash, randomUUID } from 'node:crypto';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { createMysqlPool, inTransaction } from '@rtc/service-kit';

export interface RawCheckoutDatabases {
  readonly catalog: string;
  readonly inventory: string;
  readonly orders: string;
}

export interface RawCheckoutOptions {
  /** MySQL server URL without a database. */
  readonly serverUrl: string;
  readonly databases: RawCheckoutDatabases;
  /** Per database; one is enough per concurrent checkout. */
  readonly connectionLimit: number;
  /** What orders asks inventory to hold unpaid stock for: the local stack's 15 min payment window plus 2 min. */
  readonly reservationTtlSeconds?: number;
}

export interface RawLine {
  readonly productId: number;
  readonly quantity: number;
}

export interface RawOrder {
  readonly id: number;
  readonly status: 'PENDING';
  readonly totalAmount: number;
  readonly currency: string;
  readonly reservationRef: string;
}

export interface RawCheckout {
  placeOrder(userId: number, lines: readonly RawLine[], idempotencyKey: string): Promise<RawOrder>;
  close(): Promise<void>;
}

export class RawCheckoutError extends Error {
  constructor(
    readonly code: 'BAD_USER_INPUT' | 'OUT_OF_STOCK' | 'CONFLICT',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface ProductRow extends RowDataPacket {
  id: number;
  price_amount: number;
  currency: string;
  active: number;
}

interface StockRow extends RowDataPacket {
  product_id: number;
  on_hand: number;
  reserved: number;
  available: number;
  low_stock_threshold: number;
}

interface PricedLine extends RawLine {
  readonly unitAmount: number;
  readonly lineAmount: number;
}

const serviceActor = 'service';

const orderColumns =
  '`id`, `user_id`, `idempotency_key`, `reservation_ref`, `payload_hash`, `status`, `currency`, `total_amount`, `item_count`, `placed_at`, `updated_at`, `paid_at`, `shipped_at`, `delivered_at`, `cancelled_at`, `cancel_reason`, `payment_id`, `stock_released_at`';

const tuples = (rows: number, columns: number) => Array.from({ length: rows }, () => `(${Array(columns).fill('?').join(', ')})`).join(', ');

/** orders' orderFingerprint: sha256 of the lines in product order. */
export function rawPayloadHash(lines: readonly RawLine[]): string {
  const canonical = [...lines]
    .sort((a, b) => a.productId - b.productId)
    .map((line) => `${line.productId}x${line.quantity}`)
    .join(',');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** orders' reservationReference: one reservation per (user, idempotency key, payload). */
export function rawReservationReference(userId: number, idempotencyKey: string, payloadHash: string): string {
  return `order-${userId}-${createHash('sha256').update(`${payloadHash}:${idempotencyKey}`, 'utf8').digest('hex').slice(0, 32)}`;
}

function stockStatus(available: number, threshold: number): string {
  if (available <= 0) return 'OUT_OF_STOCK';
  return available <= threshold ? 'LOW_STOCK' : 'IN_STOCK';
}

function minuteOf(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
}

function isTransient(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

// As the services' retryTransaction: a deadlock victim runs again, up to four attempts.
async function retrying<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 4 || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * (1 + Math.random())));
    }
  }
}

function databasePool(serverUrl: string, database: string, connectionLimit: number): Pool {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  // The services' own pool settings, so only HTTP, GraphQL and Drizzle differ between the two sides.
  return createMysqlPool({ url: url.toString(), connectionLimit });
}

export function createRawCheckout({ serverUrl, databases, connectionLimit, reservationTtlSeconds = 15 * 60 + 120 }: RawCheckoutOptions): RawCheckout {
  const catalog = databasePool(serverUrl, databases.catalog, connectionLimit);
  const inventory = databasePool(serverUrl, databases.inventory, connectionLimit);
  const orders = databasePool(serverUrl, databases.orders, connectionLimit);

  /** catalog: the Product entity loader, one SELECT for every id of the `_entities` call. */
  const price = async (lines: readonly RawLine[]) => {
    const ids = lines.map((line) => line.productId);
    const [rows] = await catalog.query<ProductRow[]>(
      `select \`id\`, \`sku\`, \`name\`, \`description\`, \`price_amount\`, \`currency\`, \`active\`, \`category_id\`, \`created_at\` from \`products\` where \`products\`.\`id\` in (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    const missing = ids.filter((id) => !byId.get(id)?.active);
    if (missing.length > 0) throw new RawCheckoutError('BAD_USER_INPUT', `unknown or inactive products: ${missing.join(', ')}`);
    const currency = byId.get(ids[0]!)!.currency;
    if (rows.some((row) => row.currency !== currency)) throw new RawCheckoutError('BAD_USER_INPUT', 'one order takes one currency');
    const priced: PricedLine[] = lines.map((line) => {
      const unitAmount = byId.get(line.productId)!.price_amount;
      return { ...line, unitAmount, lineAmount: unitAmount * line.quantity };
    });
    return {
      currency,
      lines: priced,
      totalAmount: priced.reduce((sum, line) => sum + line.lineAmount, 0),
      itemCount: priced.reduce((sum, line) => sum + line.quantity, 0),
    };
  };

  /** inventory: reserveStock for a reference it has not seen (reservations.ts reserveNew). */
  // Like reserveNew, no read first: a reference seen before fails on the unique index.
  const reserve = async (reference: string, requested: readonly RawLine[]) => {
    const lines = [...requested].sort((a, b) => a.productId - b.productId);
    await retrying(() =>
      inTransaction(inventory, async (tx) => {
        const at = new Date();
        const header = await tx.run<ResultSetHeader>(
          'insert into `reservations` (`reference`, `status`, `expires_at`, `created_at`, `updated_at`) values (?, ?, ?, ?, ?)',
          [reference, 'HELD', new Date(at.getTime() + reservationTtlSeconds * 1000), at, at],
        );
        const short: number[] = [];
        for (const line of lines) {
          const result = await tx.run<ResultSetHeader>(
            'update `stock` set `reserved` = `reserved` + ?, `available` = `available` - ?, `updated_at` = ? where `product_id` = ? and `available` >= ?',
            [line.quantity, line.quantity, at, line.productId, line.quantity],
          );
          if (result.affectedRows === 0) short.push(line.productId);
        }
        if (short.length > 0) throw new RawCheckoutError('OUT_OF_STOCK', `products ${short.join(', ')}`);
        await tx.run(
          `insert into \`reservation_lines\` (\`reservation_id\`, \`product_id\`, \`quantity\`) values ${tuples(lines.length, 3)}`,
          lines.flatMap((line) => [header.insertId, line.productId, line.quantity]),
        );
        // recordMovements: the rows as they now stand, one ledger row per line, one StockChanged per product.
        const after = await tx.run<StockRow[]>(
          'select `product_id`, `on_hand`, `reserved`, `available`, `low_stock_threshold`, `updated_at` from `stock` where `product_id` in (?) for update',
          [lines.map((line) => line.productId)],
        );
        await tx.run(
          `insert into \`stock_ledger\` (\`product_id\`, \`kind\`, \`delta_on_hand\`, \`delta_available\`, \`reference\`, \`reason\`, \`actor\`, \`created_at\`) values ${tuples(lines.length, 8)}`,
          lines.flatMap((line) => [line.productId, 'RESERVATION', 0, -line.quantity, reference, null, serviceActor, at]),
        );
        const byProduct = new Map(after.map((row) => [Number(row.product_id), row]));
        const events = lines.map((line) => {
          const row = byProduct.get(line.productId)!;
          const threshold = row.low_stock_threshold;
          const previousAvailable = row.available + line.quantity;
          return {
            aggregateId: String(line.productId),
            payload: {
              productId: String(line.productId),
              available: row.available,
              onHand: row.on_hand,
              reserved: row.reserved,
              lowStockThreshold: threshold,
              previousAvailable,
              status: stockStatus(row.available, threshold),
              previousStatus: stockStatus(previousAvailable, threshold),
              movement: 'RESERVATION',
            },
          };
        });
        await tx.run(
          `insert into \`outbox\` (\`event_id\`, \`type\`, \`aggregate_type\`, \`aggregate_id\`, \`payload\`, \`occurred_at\`) values ${tuples(events.length, 6)}`,
          events.flatMap((event) => [randomUUID(), 'StockChanged', 'Stock', event.aggregateId, JSON.stringify(event.payload), at]),
        );
      }),
    );
  };

  /** orders: the order, its lines, the OrderPlaced outbox row and the rollups in one transaction (place-order.ts write). */
  const write = (userId: number, idempotencyKey: string, payloadHash: string, reference: string, priced: Awaited<ReturnType<typeof price>>) =>
    retrying(() =>
      inTransaction(orders, async (tx) => {
        // checkout-intents.ts claim: the intent, still PENDING, goes with the order.
        const claimed = await tx.run<ResultSetHeader>("delete from `checkout_intents` where `reservation_ref` = ? and `state` = 'PENDING'", [reference]);
        if (claimed.affectedRows !== 1) throw new RawCheckoutError('CONFLICT', `checkout ${reference} was abandoned`);
        const now = new Date();
        const result = await tx.run<ResultSetHeader>(
          'insert into `orders` (`user_id`, `idempotency_key`, `reservation_ref`, `payload_hash`, `status`, `currency`, `total_amount`, `item_count`, `placed_at`, `updated_at`) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [userId, idempotencyKey, reference, payloadHash, 'PENDING', priced.currency, priced.totalAmount, priced.itemCount, now, now],
        );
        const orderId = result.insertId;
        await tx.run(
          `insert into \`order_lines\` (\`order_id\`, \`product_id\`, \`quantity\`, \`unit_amount\`, \`line_amount\`) values ${tuples(priced.lines.length, 5)}`,
          priced.lines.flatMap((line) => [orderId, line.productId, line.quantity, line.unitAmount, line.lineAmount]),
        );
        const payload = {
          orderId: String(orderId),
          userId: String(userId),
          total: { amount: priced.totalAmount, currency: priced.currency },
          units: priced.itemCount,
          placedAt: now.toISOString(),
          lines: priced.lines.map((line) => ({
            productId: String(line.productId),
            quantity: line.quantity,
            lineTotal: { amount: line.lineAmount, currency: priced.currency },
          })),
        };
        await tx.run('insert into `outbox` (`event_id`, `type`, `aggregate_type`, `aggregate_id`, `payload`, `occurred_at`) values (?, ?, ?, ?, ?, ?)', [
          randomUUID(),
          'OrderPlaced',
          'Order',
          String(orderId),
          JSON.stringify(payload),
          now,
        ]);
        // applyOrdersToRollups: customers, then products in id order, then the hot per-minute row.
        await tx.run(
          'insert into `customer_stats` (`user_id`, `first_order_at`, `orders`) values (?, ?, ?) on duplicate key update `first_order_at` = IF(`first_order_at` IS NULL OR VALUES(`first_order_at`) < `first_order_at`, VALUES(`first_order_at`), `first_order_at`), `orders` = `orders` + VALUES(`orders`)',
          [userId, now, 1],
        );
        const minute = minuteOf(now);
        const products = [...priced.lines].sort((a, b) => a.productId - b.productId);
        await tx.run(
          `insert into \`product_sales_by_minute\` (\`currency\`, \`minute\`, \`product_id\`, \`orders\`, \`units\`, \`revenue\`) values ${tuples(products.length, 6)} on duplicate key update \`orders\` = \`orders\` + VALUES(\`orders\`), \`units\` = \`units\` + VALUES(\`units\`), \`revenue\` = \`revenue\` + VALUES(\`revenue\`)`,
          products.flatMap((line) => [priced.currency, minute, line.productId, 1, line.quantity, line.lineAmount]),
        );
        await tx.run(
          'insert into `sales_by_minute` (`currency`, `minute`, `orders`, `revenue`, `units`) values (?, ?, ?, ?, ?) on duplicate key update `orders` = `orders` + VALUES(`orders`), `revenue` = `revenue` + VALUES(`revenue`), `units` = `units` + VALUES(`units`)',
          [priced.currency, minute, 1, priced.totalAmount, priced.itemCount],
        );
        return { id: orderId, status: 'PENDING' as const, totalAmount: priced.totalAmount, currency: priced.currency, reservationRef: reference };
      }),
    );

  return {
    async placeOrder(userId, lines, idempotencyKey) {
      if (lines.length === 0) throw new RawCheckoutError('BAD_USER_INPUT', 'an order needs at least one line');
      if (new Set(lines.map((line) => line.productId)).size !== lines.length) throw new RawCheckoutError('BAD_USER_INPUT', 'one line per product');
      const [known] = await orders.query<RowDataPacket[]>(
        `select ${orderColumns} from \`orders\` where (\`orders\`.\`user_id\` = ? and \`orders\`.\`idempotency_key\` = ?) limit ?`,
        [userId, idempotencyKey, 1],
      );
      if (known.length > 0) throw new RawCheckoutError('CONFLICT', `order with key ${idempotencyKey} exists; use a fresh key`);
      const priced = await price(lines);
      const payloadHash = rawPayloadHash(lines);
      const reference = rawReservationReference(userId, idempotencyKey, payloadHash);
      // checkout-intents.ts open: the intent the reconciler would abandon if the order never came.
      await orders.query(
        "insert into `checkout_intents` (`reservation_ref`, `state`, `created_at`) values (?, 'PENDING', ?) on duplicate key update `reservation_ref` = `reservation_ref`",
        [reference, new Date()],
      );
      try {
        await reserve(reference, lines);
      } catch (error) {
        if (error instanceof RawCheckoutError && error.code === 'OUT_OF_STOCK') {
          await orders.query("delete from `checkout_intents` where `reservation_ref` = ? and `state` = 'PENDING'", [reference]);
        }
        throw error;
      }
      // A failed write leaves the reservation to inventory's expiry job; the benchmark counts it as a failure.
      return write(userId, idempotencyKey, payloadHash, reference, priced);
    },
    async close() {
      await Promise.all([catalog.end(), inventory.end(), orders.end()]);
    },
  };
}
