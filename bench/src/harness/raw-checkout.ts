// The ceilings a checkout through the gateway is measured against: the rows placeOrder writes (orders:
// checkout/place-order.ts and rollups/write-rollups.ts; catalog: the Product entity loader; inventory:
// reservations/reservations.ts and stock/stock-movements.ts; the kit's outbox), written straight from this process
// with mysql2 as a careful engineer would: each transaction's statements batched into one multi-statement round trip,
// one multi-row INSERT per table, one UPDATE … CASE for every line's stock, events built in SQL from the rows as they
// now stand. Two variants:
//   'two-transactions'  the split RTC runs: the checkout intent recorded (and committed) in orders' database, the
//                       reservation in inventory's, then the order in orders' database claiming the intent, each on a
//                       pool of its own database;
//   'one-transaction'   both in one transaction on one connection (the databases share a server): the ceiling. It
//                       writes no checkout intent: the intent only bridges the gap between RTC's two commits, and with
//                       one commit there is none. checkout_intents ends as RTC leaves it (a placed order's intent is
//                       deleted, so are those of refused checkouts), and a reference RTC abandoned is still refused by
//                       inventory's unique reservation reference.
// Change them together with the services; raw-checkout.test.ts checks that every variant writes what RTC writes.
import { createHash, randomUUID } from 'node:crypto';
import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { connectionOptionsOf } from '@rtc/service-kit';

export const rawVariants = ['two-transactions', 'one-transaction'] as const;
export type RawVariant = (typeof rawVariants)[number];

export interface RawCheckoutDatabases {
  readonly catalog: string;
  readonly inventory: string;
  readonly orders: string;
}

export interface RawCheckoutOptions {
  /** MySQL server URL without a database. */
  readonly serverUrl: string;
  readonly databases: RawCheckoutDatabases;
  /** Per pool; one is enough per concurrent checkout. */
  readonly connectionLimit: number;
  readonly variant: RawVariant;
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
  readonly variant: RawVariant;
  placeOrder(userId: number, lines: readonly RawLine[], idempotencyKey: string): Promise<RawOrder>;
  /** Statements sent to the server so far (a multi-statement batch is one), including reads, commits and retries. */
  roundTrips(): number;
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

interface PricedLine extends RawLine {
  readonly unitAmount: number;
  readonly lineAmount: number;
}

interface PricedOrder {
  readonly currency: string;
  readonly lines: readonly PricedLine[];
  readonly totalAmount: number;
  readonly itemCount: number;
}

const serviceActor = 'service';
// As orders' checkoutAbandonedMessage: the reconciler (or a failed attempt) gave the reference up.
const abandonedMessage = 'An earlier checkout with this idempotencyKey failed; place the order with a new key';

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

/** The services' pool settings (service-kit's createMysqlPool), plus multi-statement batches. */
function createBatchPool(serverUrl: string, database: string | undefined, connectionLimit: number): Pool {
  const url = new URL(serverUrl);
  url.pathname = database ? `/${database}` : '/';
  return createPool({
    ...connectionOptionsOf(url.toString()),
    connectionLimit,
    waitForConnections: true,
    enableKeepAlive: true,
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    decimalNumbers: true,
    trace: false,
    multipleStatements: true,
  });
}

const placeholders = (count: number) => Array(count).fill('?').join(', ');
const tuples = (rows: number, tuple: string) => Array(rows).fill(tuple).join(', ');
/** `case product_id when ? then ? … end`: each line's quantity, picked by its product. */
const quantityCase = (lines: number) => `case \`product_id\` ${Array(lines).fill('when ? then ?').join(' ')} end`;
const quantityCaseValues = (lines: readonly RawLine[]) => lines.flatMap((line) => [line.productId, line.quantity]);
const stockStatus = (available: string, threshold: string) =>
  `case when ${available} <= 0 then 'OUT_OF_STOCK' when ${available} <= ${threshold} then 'LOW_STOCK' else 'IN_STOCK' end`;
const add = (column: string) => `\`${column}\` = \`${column}\` + values(\`${column}\`)`;

/** Statement texts for a given number of lines, rendered once each; `table` qualifies a table name or leaves it bare. */
function createStatements(table: { inventory: (name: string) => string; orders: (name: string) => string; catalog: (name: string) => string }) {
  const cache = new Map<string, string>();
  const memo = (key: string, render: () => string) => {
    let text = cache.get(key);
    if (text === undefined) cache.set(key, (text = render()));
    return text;
  };
  const inv = table.inventory;
  const ord = table.orders;
  const dropPendingIntent = `delete from ${ord('checkout_intents')} where \`reservation_ref\` = ? and \`state\` = 'PENDING'`;
  const orderByKey = `select \`id\` from ${ord('orders')} where \`user_id\` = ? and \`idempotency_key\` = ? limit 1`;
  return {
    orderByKey,
    /**
     * orders' reads, then its checkout intent (PENDING, kept when it exists), in autocommit: committed when the batch
     * answers, before any reservation. Values: user, key, reference, created at. `insert ignore` rather than
     * CheckoutIntents.open's `on duplicate key update`: with mysql2's default CLIENT_FOUND_ROWS flag that reports 1
     * row for an existing intent too, so it cannot tell an abandoned reference from a new one; this reports 0.
     */
    orderByKeyAndOpen: `${orderByKey}; insert ignore into ${ord('checkout_intents')} (\`reservation_ref\`, \`state\`, \`created_at\`) values (?, 'PENDING', ?)`,
    intentState: `select \`state\` from ${ord('checkout_intents')} where \`reservation_ref\` = ?`,
    /** CheckoutIntents.forget, and the claim that opens the order's transaction. */
    dropPendingIntent,
    prices: (lines: number) =>
      memo(
        `prices${lines}`,
        () => `select \`id\`, \`price_amount\`, \`currency\`, \`active\` from ${table.catalog('products')} where \`id\` in (${placeholders(lines)})`,
      ),
    /**
     * inventory's reserveNew: the reservation, every line's units held by one UPDATE (rows locked in key order, as
     * RTC's per-line updates in product order lock them), its lines, one ledger row per line and one StockChanged per
     * product from the rows as they now stand. Values: reservation (5), update (see reserveValues), lines, ledger, event.
     */
    reserve: (lines: number) =>
      memo(
        `reserve${lines}`,
        () =>
          `insert into ${inv('reservations')} (\`reference\`, \`status\`, \`expires_at\`, \`created_at\`, \`updated_at\`) values (?, ?, ?, ?, ?);` +
          ` set @rtc_reservation = last_insert_id();` +
          ` update ${inv('stock')} set \`reserved\` = \`reserved\` + ${quantityCase(lines)}, \`available\` = \`available\` - ${quantityCase(lines)}, \`updated_at\` = ?` +
          ` where \`product_id\` in (${placeholders(lines)}) and \`available\` >= ${quantityCase(lines)};` +
          ` insert into ${inv('reservation_lines')} (\`reservation_id\`, \`product_id\`, \`quantity\`) values ${tuples(lines, '(@rtc_reservation, ?, ?)')};` +
          ` insert into ${inv('stock_ledger')} (\`product_id\`, \`kind\`, \`delta_on_hand\`, \`delta_available\`, \`reference\`, \`reason\`, \`actor\`, \`created_at\`) values ${tuples(lines, "(?, 'RESERVATION', 0, ?, ?, null, ?, ?)")};` +
          ` insert into ${inv('outbox')} (\`event_id\`, \`type\`, \`aggregate_type\`, \`aggregate_id\`, \`payload\`, \`occurred_at\`)` +
          ` select uuid(), 'StockChanged', 'Stock', cast(\`product_id\` as char), json_object('productId', cast(\`parent_product_id\` as char), 'variantId', cast(\`product_id\` as char), 'available', \`available\`,` +
          ` 'onHand', \`on_hand\`, 'reserved', \`reserved\`, 'lowStockThreshold', \`low_stock_threshold\`, 'previousAvailable', \`previous_available\`,` +
          ` 'status', ${stockStatus('`available`', '`low_stock_threshold`')}, 'previousStatus', ${stockStatus('`previous_available`', '`low_stock_threshold`')},` +
          ` 'movement', 'RESERVATION'), ?` +
          ` from (select \`product_id\`, \`parent_product_id\`, \`available\`, \`on_hand\`, \`reserved\`, \`low_stock_threshold\`, \`available\` + ${quantityCase(lines)} as \`previous_available\`` +
          ` from ${inv('stock')} where \`product_id\` in (${placeholders(lines)})) as \`after\` order by \`product_id\``,
      ),
    /**
     * orders' write: with `claim`, first the intent claimed (deleted while PENDING, value: the reference), then the
     * order, its lines, its OrderPlaced row (the id set in SQL), then the rollups in RTC's lock order. An unclaimed
     * intent makes the order's status NULL: the NOT NULL column fails the statement (ER_BAD_NULL_ERROR), the batch
     * stops there and is rolled back, so the claim costs no round trip of its own.
     */
    write: (lines: number, claim: boolean) =>
      memo(
        `write${lines}${claim ? '-claim' : ''}`,
        () =>
          (claim ? `${dropPendingIntent}; set @rtc_claimed = row_count(); ` : '') +
          `insert into ${ord('orders')} (\`user_id\`, \`idempotency_key\`, \`reservation_ref\`, \`payload_hash\`, \`status\`, \`currency\`, \`total_amount\`, \`subtotal_amount\`, \`item_count\`, \`placed_at\`, \`updated_at\`)` +
          ` values (?, ?, ?, ?, ${claim ? "if(@rtc_claimed = 1, 'PENDING', null)" : "'PENDING'"}, ?, ?, ?, ?, ?, ?);` +
          ` set @rtc_order = last_insert_id();` +
          // Every product here has only its default variant, whose id is the product's.
          ` insert into ${ord('order_lines')} (\`order_id\`, \`product_id\`, \`variant_id\`, \`quantity\`, \`unit_amount\`, \`line_amount\`) values ${tuples(lines, '(@rtc_order, ?, ?, ?, ?, ?)')};` +
          ` insert into ${ord('outbox')} (\`event_id\`, \`type\`, \`aggregate_type\`, \`aggregate_id\`, \`payload\`, \`occurred_at\`) values (?, 'OrderPlaced', 'Order', cast(@rtc_order as char), json_set(?, '$.orderId', cast(@rtc_order as char)), ?);` +
          ` insert into ${ord('customer_stats')} (\`user_id\`, \`first_order_at\`, \`orders\`) values (?, ?, 1) on duplicate key update` +
          ` \`first_order_at\` = if(\`first_order_at\` is null or values(\`first_order_at\`) < \`first_order_at\`, values(\`first_order_at\`), \`first_order_at\`), ${add('orders')};` +
          // A placed order counts in gross as in the standing figures: the gross values repeat the row's own columns.
          ` insert into ${ord('product_sales_by_minute')} (\`currency\`, \`minute\`, \`product_id\`, \`orders\`, \`units\`, \`revenue\`, \`gross_orders\`, \`gross_units\`, \`gross_revenue\`)` +
          ` values ${tuples(lines, '(?, ?, ?, 1, ?, ?, 1, `units`, `revenue`)')}` +
          ` on duplicate key update ${[add('orders'), add('units'), add('revenue'), add('gross_orders'), add('gross_units'), add('gross_revenue')].join(', ')};` +
          ` insert into ${ord('variant_sales_by_minute')} (\`currency\`, \`minute\`, \`variant_id\`, \`product_id\`, \`orders\`, \`units\`, \`revenue\`, \`gross_orders\`, \`gross_units\`, \`gross_revenue\`)` +
          ` values ${tuples(lines, '(?, ?, ?, ?, 1, ?, ?, 1, `units`, `revenue`)')}` +
          ` on duplicate key update ${[add('orders'), add('units'), add('revenue'), add('gross_orders'), add('gross_units'), add('gross_revenue')].join(', ')};` +
          ` insert into ${ord('sales_by_minute')} (\`currency\`, \`minute\`, \`orders\`, \`revenue\`, \`units\`, \`gross_orders\`, \`gross_revenue\`, \`gross_units\`) values (?, ?, 1, ?, ?, 1, \`revenue\`, \`units\`)` +
          ` on duplicate key update ${[add('orders'), add('revenue'), add('units'), add('gross_orders'), add('gross_revenue'), add('gross_units')].join(', ')}`,
      ),
    /** One transaction: the reads, then the reservation in a transaction left open until they are checked. */
    readAndReserve(lines: number): string {
      return memo(`read-reserve${lines}`, () => `${this.orderByKey}; ${this.prices(lines)}; start transaction; ${this.reserve(lines)}`);
    },
    /** One transaction: the order (no intent, see the top of this file), then the commit of everything. */
    writeAndCommit(lines: number): string {
      return memo(`write-commit${lines}`, () => `${this.write(lines, false)}; commit`);
    },
  };
}

/** The index of the stock UPDATE's result in the reserve batch. */
const holdResult = 2;
/** The index of the order INSERT's result in a write batch that claims the intent first (delete, set, insert). */
const claimedOrderResult = 2;

const inProductOrder = <T extends RawLine>(lines: readonly T[]): T[] => [...lines].sort((a, b) => a.productId - b.productId);

/** inventory reserves, and writes its ledger, in product order. */
function reserveValues(reference: string, requested: readonly RawLine[], ttlSeconds: number, at: Date): unknown[] {
  const lines = inProductOrder(requested);
  const quantities = quantityCaseValues(lines);
  const ids = lines.map((line) => line.productId);
  return [
    reference,
    'HELD',
    new Date(at.getTime() + ttlSeconds * 1000),
    at,
    at,
    ...quantities,
    ...quantities,
    at,
    ...ids,
    ...quantities,
    ...lines.flatMap((line) => [line.productId, line.quantity]),
    ...lines.flatMap((line) => [line.productId, -line.quantity, reference, serviceActor, at]),
    at,
    ...quantities,
    ...ids,
  ];
}

function writeValues(
  userId: number,
  idempotencyKey: string,
  payloadHash: string,
  reference: string,
  priced: PricedOrder,
  now: Date,
  claim: boolean,
): unknown[] {
  const minute = minuteOf(now);
  // orders' orderPlacedEvent; the order id is not known yet, json_set puts it in.
  const payload = {
    orderId: '',
    userId: String(userId),
    total: { amount: priced.totalAmount, currency: priced.currency },
    units: priced.itemCount,
    placedAt: now.toISOString(),
    lines: priced.lines.map((line) => ({
      productId: String(line.productId),
      // Every product here has only its default variant, whose id is the product's.
      variantId: String(line.productId),
      quantity: line.quantity,
      lineTotal: { amount: line.lineAmount, currency: priced.currency },
    })),
  };
  return [
    ...(claim ? [reference] : []),
    userId,
    idempotencyKey,
    reference,
    payloadHash,
    priced.currency,
    priced.totalAmount,
    // No shipping, tax or discount rule is set in the benchmark's stack: the subtotal is the total, as RTC stores it.
    priced.totalAmount,
    priced.itemCount,
    now,
    now,
    ...priced.lines.flatMap((line) => [line.productId, line.productId, line.quantity, line.unitAmount, line.lineAmount]),
    randomUUID(),
    JSON.stringify(payload),
    now,
    userId,
    now,
    // The rollups in product order, as applyOrdersToRollups locks them.
    ...inProductOrder(priced.lines).flatMap((line) => [priced.currency, minute, line.productId, line.quantity, line.lineAmount]),
    ...inProductOrder(priced.lines).flatMap((line) => [priced.currency, minute, line.productId, line.productId, line.quantity, line.lineAmount]),
    priced.currency,
    minute,
    priced.totalAmount,
    priced.itemCount,
  ];
}

function priceOf(lines: readonly RawLine[], rows: readonly ProductRow[]): PricedOrder {
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  const missing = lines.filter((line) => !byId.get(line.productId)?.active).map((line) => line.productId);
  if (missing.length > 0) throw new RawCheckoutError('BAD_USER_INPUT', `unknown or inactive products: ${missing.join(', ')}`);
  const currency = byId.get(lines[0]!.productId)!.currency;
  if (rows.some((row) => row.currency !== currency)) throw new RawCheckoutError('BAD_USER_INPUT', 'one order takes one currency');
  const priced = lines.map((line) => {
    const unitAmount = byId.get(line.productId)!.price_amount;
    return { ...line, unitAmount, lineAmount: unitAmount * line.quantity };
  });
  return {
    currency,
    lines: priced,
    totalAmount: priced.reduce((sum, line) => sum + line.lineAmount, 0),
    itemCount: priced.reduce((sum, line) => sum + line.quantity, 0),
  };
}

/** RTC's order-input rules that the benchmark can hit. The order keeps its lines in the order asked for. */
function normalized(lines: readonly RawLine[]): readonly RawLine[] {
  if (lines.length === 0) throw new RawCheckoutError('BAD_USER_INPUT', 'an order needs at least one line');
  if (new Set(lines.map((line) => line.productId)).size !== lines.length) throw new RawCheckoutError('BAD_USER_INPUT', 'one line per product');
  return lines;
}

export function createRawCheckout(options: RawCheckoutOptions): RawCheckout {
  const { serverUrl, databases, connectionLimit, variant, reservationTtlSeconds = 15 * 60 + 120 } = options;
  let roundTrips = 0;
  const send = async <T>(client: Pool | PoolConnection, text: string, values: readonly unknown[] = []): Promise<T> => {
    roundTrips += 1;
    const [result] = await client.query(text, values as unknown[]);
    return result as T;
  };

  const onConnection = async <T>(pool: Pool, work: (connection: PoolConnection) => Promise<T>): Promise<T> => {
    const connection = await pool.getConnection();
    try {
      return await work(connection);
    } finally {
      connection.release();
    }
  };

  /**
   * One transaction as one multi-statement batch; resolves with the results of the batch's own statements. With
   * `check`, they are checked before the commit, sent in a second round trip; without, the commit rides in the batch.
   * Any failure rolls back.
   */
  const runBatch = async (
    connection: PoolConnection,
    text: string,
    values: readonly unknown[],
    check?: (results: ResultSetHeader[]) => void | Promise<void>,
  ) => {
    try {
      const results = await send<ResultSetHeader[]>(connection, `start transaction; ${text}${check ? '' : '; commit'}`, values);
      const own = results.slice(1, check ? undefined : -1);
      if (check) {
        await check(own);
        await send(connection, 'commit');
      }
      return own;
    } catch (error) {
      await send(connection, 'rollback').catch(() => undefined);
      throw error;
    }
  };

  const shortOf = async (pool: Pool, stockTable: string, lines: readonly RawLine[]): Promise<number[]> => {
    const rows = await send<RowDataPacket[]>(pool, `select \`product_id\`, \`available\` from ${stockTable} where \`product_id\` in (?)`, [
      lines.map((line) => line.productId),
    ]);
    const available = new Map(rows.map((row) => [Number(row['product_id']), Number(row['available'])]));
    return inProductOrder(lines)
      .filter((line) => (available.get(line.productId) ?? 0) < line.quantity)
      .map((line) => line.productId);
  };

  // The stock UPDATE matched a row per line only if every line had its units available.
  const held = (lines: readonly RawLine[]) => (results: ResultSetHeader[]) => {
    if (results[holdResult]!.affectedRows !== lines.length) throw new RawCheckoutError('OUT_OF_STOCK', 'a product is short');
  };

  const namingShort = async (error: unknown, pool: Pool, stockTable: string, lines: readonly RawLine[]): Promise<never> => {
    if (error instanceof RawCheckoutError && error.code === 'OUT_OF_STOCK') {
      throw new RawCheckoutError('OUT_OF_STOCK', `products ${(await shortOf(pool, stockTable, lines)).join(', ')}`);
    }
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY') throw new RawCheckoutError('CONFLICT', (error as Error).message);
    throw error;
  };

  if (variant === 'two-transactions') {
    const pools = {
      catalog: createBatchPool(serverUrl, databases.catalog, connectionLimit),
      inventory: createBatchPool(serverUrl, databases.inventory, connectionLimit),
      orders: createBatchPool(serverUrl, databases.orders, connectionLimit),
    };
    const bare = (name: string) => `\`${name}\``;
    const statements = createStatements({ inventory: bare, orders: bare, catalog: bare });
    return {
      variant,
      async placeOrder(userId, requested, idempotencyKey) {
        const lines = normalized(requested);
        const payloadHash = rawPayloadHash(lines);
        const reference = rawReservationReference(userId, idempotencyKey, payloadHash);
        // Each service's read on its own database, orders' with the checkout intent in the same round trip; the
        // reservation starts once that intent is committed, as RTC's does, and commits only once the reads said the
        // order is new and its products on sale.
        const opened = send<[RowDataPacket[], ResultSetHeader]>(pools.orders, statements.orderByKeyAndOpen, [userId, idempotencyKey, reference, new Date()]);
        const prices = send<ProductRow[]>(
          pools.catalog,
          statements.prices(lines.length),
          lines.map((line) => line.productId),
        );
        prices.catch(() => undefined);
        const [known, intent] = await opened;
        const recorded = intent.affectedRows === 1;
        const priceChecked = async () => {
          if (known.length > 0) throw new RawCheckoutError('CONFLICT', `order with key ${idempotencyKey} exists; use a fresh key`);
          return priceOf(lines, await prices);
        };
        // RTC refuses a known key and products off sale before it records the intent, and drops it after
        // OUT_OF_STOCK: either way no intent of this attempt is left behind.
        const dropIntent = async (error: unknown): Promise<never> => {
          const refused = known.length > 0 || (error instanceof RawCheckoutError && (error.code === 'OUT_OF_STOCK' || error.code === 'BAD_USER_INPUT'));
          if (recorded && refused) await send(pools.orders, statements.dropPendingIntent, [reference]).catch(() => undefined);
          throw error;
        };
        if (!recorded) {
          await priceChecked().catch(dropIntent);
          const [row] = await send<RowDataPacket[]>(pools.orders, statements.intentState, [reference]);
          if (row?.['state'] === 'ABANDONED') throw new RawCheckoutError('CONFLICT', abandonedMessage);
        }
        await retrying(() =>
          onConnection(pools.inventory, (connection) =>
            runBatch(connection, statements.reserve(lines.length), reserveValues(reference, lines, reservationTtlSeconds, new Date()), async (results) => {
              await priceChecked();
              held(lines)(results);
            }),
          ),
        )
          .catch((error: unknown) => namingShort(error, pools.inventory, '`stock`', lines))
          .catch(dropIntent);
        const priced = await priceChecked();
        // A failed write leaves the intent PENDING: RTC's reconciler abandons it and releases the reservation, as it
        // would RTC's own. The benchmark counts it as a failure.
        const written = await retrying(() =>
          onConnection(pools.orders, (connection) =>
            runBatch(connection, statements.write(lines.length, true), writeValues(userId, idempotencyKey, payloadHash, reference, priced, new Date(), true)),
          ),
        ).catch((error: unknown) => {
          if ((error as { code?: string }).code === 'ER_BAD_NULL_ERROR') throw new RawCheckoutError('CONFLICT', abandonedMessage);
          throw error;
        });
        const order = written[claimedOrderResult]!;
        const id = order!.insertId;
        return { id, status: 'PENDING', totalAmount: priced.totalAmount, currency: priced.currency, reservationRef: reference };
      },
      roundTrips: () => roundTrips,
      async close() {
        await Promise.all(Object.values(pools).map((pool) => pool.end()));
      },
    };
  }

  const server = createBatchPool(serverUrl, undefined, connectionLimit);
  const qualified = (database: string) => (name: string) => `\`${database}\`.\`${name}\``;
  const statements = createStatements({
    inventory: qualified(databases.inventory),
    orders: qualified(databases.orders),
    catalog: qualified(databases.catalog),
  });
  return {
    variant,
    async placeOrder(userId, requested, idempotencyKey) {
      const lines = normalized(requested);
      const payloadHash = rawPayloadHash(lines);
      const reference = rawReservationReference(userId, idempotencyKey, payloadHash);
      const order = await onConnection(server, (connection) =>
        retrying(async () => {
          const at = new Date();
          try {
            const [known, products, , ...reserved] = await send<[RowDataPacket[], ProductRow[], ...ResultSetHeader[]]>(
              connection,
              statements.readAndReserve(lines.length),
              [userId, idempotencyKey, ...lines.map((line) => line.productId), ...reserveValues(reference, lines, reservationTtlSeconds, at)],
            );
            if (known.length > 0) throw new RawCheckoutError('CONFLICT', `order with key ${idempotencyKey} exists; use a fresh key`);
            const priced = priceOf(lines, products);
            held(lines)(reserved);
            const [written] = await send<ResultSetHeader[]>(
              connection,
              statements.writeAndCommit(lines.length),
              writeValues(userId, idempotencyKey, payloadHash, reference, priced, at, false),
            );
            return { id: written!.insertId, priced };
          } catch (error) {
            await send(connection, 'rollback').catch(() => undefined);
            throw error;
          }
        }),
      ).catch((error: unknown) => namingShort(error, server, qualified(databases.inventory)('stock'), lines));
      return { id: order.id, status: 'PENDING', totalAmount: order.priced.totalAmount, currency: order.priced.currency, reservationRef: reference };
    },
    roundTrips: () => roundTrips,
    close: () => server.end(),
  };
}
