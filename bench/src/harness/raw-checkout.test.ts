import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { startTestStack, type TestStack } from '@rtc/stack/testing';
import { postGraphQL } from '@rtc/testkit';
import { countSideRows, rowProblems } from './checkout-rows';
import { createRawCheckout, rawPayloadHash, rawReservationReference, RawCheckoutError, rawVariants, type RawCheckout, type RawVariant } from './raw-checkout';

type Database = 'users' | 'catalog' | 'inventory' | 'orders';
const databases: readonly Database[] = ['users', 'catalog', 'inventory', 'orders'];

// Tables checkout upserts: a second order in the same minute updates rows instead of adding them, so their sums tell.
const summed: Record<string, string> = {
  'orders.customer_stats': 'SUM(orders)',
  'orders.sales_by_minute': 'SUM(orders), SUM(revenue), SUM(units), SUM(gross_orders), SUM(gross_revenue), SUM(gross_units)',
  'orders.product_sales_by_minute': 'SUM(orders), SUM(units), SUM(revenue), SUM(gross_orders), SUM(gross_units), SUM(gross_revenue)',
  'orders.variant_sales_by_minute': 'SUM(orders), SUM(units), SUM(revenue), SUM(gross_orders), SUM(gross_units), SUM(gross_revenue)',
  'inventory.stock': 'SUM(on_hand), SUM(available), SUM(reserved)',
};

// Intents come and go within one checkout, so their count does not move: triggers log every write to them instead.
const intentLog = 'orders.test_intent_writes';
const intentLogged = (operation: 'INSERT' | 'UPDATE' | 'DELETE', row: 'NEW' | 'OLD') =>
  `CREATE TRIGGER test_intent_${operation.toLowerCase()} AFTER ${operation} ON checkout_intents FOR EACH ROW` +
  ` INSERT INTO test_intent_writes (reservation_ref, operation, state) VALUES (${row}.reservation_ref, '${operation}', ${row}.state)`;

let stack: TestStack;
let pools: Record<Database, Pool>;
let raws: Record<RawVariant, RawCheckout>;
let realChanges: Record<string, [number[], number[]]>;
let realTotal: number;
let productIds: number[];
let userId: number;
let token: string;

async function rows<T extends RowDataPacket>(database: Database, sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await pools[database].query<T[]>(sql, params);
  return result;
}

/** Every table of the four databases: its row count, and for upserted tables the sums checkout moves. */
async function fingerprint(): Promise<Map<string, string>> {
  const print = new Map<string, string>();
  for (const database of databases) {
    const tables = await rows<RowDataPacket>(database, 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
    for (const { name } of tables as { name: string }[]) {
      if (name.startsWith('__drizzle')) continue;
      const key = `${database}.${name}`;
      const [figures] = await rows<RowDataPacket>(database, `SELECT ${summed[key] ?? 'COUNT(*)'} AS f FROM \`${name}\``);
      print.set(key, JSON.stringify(Object.values(figures!)));
    }
  }
  return print;
}

function changes(before: Map<string, string>, after: Map<string, string>): Record<string, [number[], number[]]> {
  const changed: Record<string, [number[], number[]]> = {};
  for (const [table, figures] of after) {
    if (before.get(table) !== figures) changed[table] = [JSON.parse(before.get(table)!).map(Number), JSON.parse(figures).map(Number)];
  }
  return changed;
}

/** What a checkout leaves behind, whatever it wrote to checkout_intents on the way. */
const net = (changed: Record<string, [number[], number[]]>) => Object.fromEntries(Object.entries(changed).filter(([table]) => table !== intentLog));

/** The one-transaction ceiling writes no intent (see raw-checkout.ts): everything else as RTC. */
const expectedOf = (variant: RawVariant, changed: Record<string, [number[], number[]]>) => (variant === 'one-transaction' ? net(changed) : changed);

const deltas = (changed: Record<string, [number[], number[]]>) =>
  Object.fromEntries(Object.entries(changed).map(([table, [from, to]]) => [table, to.map((value, index) => value - from[index]!)]));

beforeAll(async () => {
  stack = await startTestStack();
  pools = Object.fromEntries(
    databases.map((name) => [
      name,
      createPool({ uri: stack.databaseUrl(name), connectionLimit: 2, timezone: 'Z', supportBigNumbers: true, decimalNumbers: true }),
    ]),
  ) as Record<Database, Pool>;
  // Products as the seed writes them: catalog rows, then stock on hand in inventory.
  await pools.catalog.query("INSERT INTO categories (name, slug, description, created_at) VALUES ('Bench', 'bench', '', NOW(3))");
  const [[category]] = await pools.catalog.query<RowDataPacket[]>("SELECT id FROM categories WHERE slug = 'bench'");
  for (const [index, price] of [1250, 799].entries()) {
    await pools.catalog.query(
      "INSERT INTO products (sku, handle, name, description, price_amount, currency, active, category_id, created_at) VALUES (?, ?, ?, '', ?, 'USD', 1, ?, NOW(3))",
      [`BENCH-${index}`, `bench-product-${index}`, `Bench product ${index}`, price, category!['id']],
    );
  }
  productIds = (await rows<RowDataPacket>('catalog', 'SELECT id FROM products ORDER BY id')).map((row) => Number(row['id']));
  // Each product's default variant, as the catalog writes it: the product's id, SKU and price.
  await pools.catalog.query(
    "INSERT INTO product_variants (id, product_id, sku, selected_options, price_amount, position, created_at) SELECT id, id, sku, '[]', price_amount, 0, created_at FROM products",
  );
  for (const id of productIds) {
    await pools.inventory.query(
      'INSERT INTO stock (product_id, parent_product_id, on_hand, reserved, available, low_stock_threshold, updated_at) VALUES (?, ?, 100, 0, 100, 10, NOW(3))',
      [id, id],
    );
  }
  await pools.orders.query(
    'CREATE TABLE test_intent_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, reservation_ref VARCHAR(64) NOT NULL, operation VARCHAR(8) NOT NULL, state VARCHAR(16) NOT NULL)',
  );
  await pools.orders.query(intentLogged('INSERT', 'NEW'));
  await pools.orders.query(intentLogged('UPDATE', 'NEW'));
  await pools.orders.query(intentLogged('DELETE', 'OLD'));
  const customer = await stack.createUser('CUSTOMER');
  userId = Number(customer.id);
  token = customer.token;
  raws = Object.fromEntries(
    rawVariants.map((variant) => [variant, createRawCheckout({ serverUrl: stack.serverUrl, databases: stack.databases, connectionLimit: 2, variant })]),
  ) as Record<RawVariant, RawCheckout>;
});

afterAll(async () => {
  await Promise.all(Object.values(raws ?? {}).map((raw) => raw.close()));
  await Promise.all(Object.values(pools ?? {}).map((pool) => pool.end()));
  await stack?.stop();
});

describe('raw checkout', () => {
  const lines = () => [
    { productId: productIds[1]!, quantity: 2 },
    { productId: productIds[0]!, quantity: 1 },
  ];

  it('places the reference order through the gateway', async () => {
    const start = await fingerprint();
    const real = await postGraphQL<{ placeOrder: { order: { id: string; status: string; total: { amount: number } }; errors: unknown[] } }>(
      stack.graphqlUrl,
      'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id status total { amount } } errors { code } } }',
      { input: { lines: lines().map((line) => ({ productId: String(line.productId), quantity: line.quantity })), idempotencyKey: 'through-the-gateway' } },
      { token },
    );
    expect(real.errors).toBeUndefined();
    expect(real.data!.placeOrder.errors).toEqual([]);
    realChanges = changes(start, await fingerprint());
    realTotal = real.data!.placeOrder.order.total.amount;
    expect(Object.keys(realChanges)).toEqual(
      expect.arrayContaining(['orders.orders', 'orders.outbox', 'inventory.reservations', 'inventory.stock_ledger', intentLog]),
    );
  });

  it.each(rawVariants)('%s: writes the same rows, stock moves and events as placeOrder through the gateway', async (variant) => {
    const before = await fingerprint();
    const order = await raws[variant].placeOrder(userId, lines(), `straight-to-sql-${variant}`);
    const rawChanges = changes(before, await fingerprint());
    const expected = expectedOf(variant, realChanges);
    expect(Object.keys(rawChanges).sort()).toEqual(Object.keys(expected).sort());
    expect(deltas(rawChanges)).toEqual(deltas(expected));
    expect(order).toMatchObject({ status: 'PENDING', totalAmount: realTotal, currency: 'USD' });
  });

  it('batches its statements: few round trips per order, fewest in one transaction', () => {
    // Two transactions: the two reads, the reservation and its commit, the order with its commit.
    expect(raws['two-transactions'].roundTrips()).toBe(5);
    // One transaction: the reads with the reservation, then the order with the commit.
    expect(raws['one-transaction'].roundTrips()).toBe(2);
  });

  it.each(rawVariants)('%s: fills every column as the services do', async (variant) => {
    const orderOf = async (key: string) =>
      (await rows<RowDataPacket>('orders', 'SELECT * FROM orders WHERE user_id = ? AND idempotency_key = ?', [userId, key]))[0]!;
    const realOrder = await orderOf('through-the-gateway');
    const rawOrder = await orderOf(`straight-to-sql-${variant}`);
    const comparable = (row: RowDataPacket) => ({ ...row, id: 0, idempotency_key: '', reservation_ref: '', placed_at: 0, updated_at: 0 });
    expect(comparable(rawOrder)).toEqual(comparable(realOrder));
    // Same lines both ways, so \`comparable\` already holds both payload hashes equal.
    const payloadHash = String(realOrder['payload_hash']);
    expect(payloadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rawOrder['reservation_ref']).toBe(rawReservationReference(userId, `straight-to-sql-${variant}`, payloadHash));
    expect(realOrder['reservation_ref']).toBe(rawReservationReference(userId, 'through-the-gateway', payloadHash));

    const linesOf = async (orderId: number) =>
      (
        await rows<RowDataPacket>('orders', 'SELECT product_id, quantity, unit_amount, line_amount FROM order_lines WHERE order_id = ? ORDER BY product_id', [
          orderId,
        ])
      ).map((row) => ({ ...row }));
    expect(await linesOf(rawOrder['id'])).toEqual(await linesOf(realOrder['id']));

    const ledgerOf = async (reference: string) =>
      (
        await rows<RowDataPacket>(
          'inventory',
          'SELECT product_id, kind, delta_on_hand, delta_available, reason, actor FROM stock_ledger WHERE reference = ? ORDER BY id',
          [reference],
        )
      ).map((row) => ({ ...row }));
    const realLedger = await ledgerOf(realOrder['reservation_ref']);
    expect(realLedger).toHaveLength(2);
    expect(await ledgerOf(rawOrder['reservation_ref'])).toEqual(realLedger);

    const reservationOf = async (reference: string) => {
      const [row] = await rows<RowDataPacket>('inventory', 'SELECT id, status, release_reason, expires_at, created_at FROM reservations WHERE reference = ?', [
        reference,
      ]);
      const lines = await rows<RowDataPacket>('inventory', 'SELECT product_id, quantity FROM reservation_lines WHERE reservation_id = ? ORDER BY product_id', [
        row!['id'],
      ]);
      return {
        status: row!['status'],
        releaseReason: row!['release_reason'],
        ttlMs: row!['expires_at'].getTime() - row!['created_at'].getTime(),
        lines: lines.map((line) => ({ ...line })),
      };
    };
    expect(await reservationOf(rawOrder['reservation_ref'])).toEqual(await reservationOf(realOrder['reservation_ref']));
  });

  it.each(rawVariants)('%s: records and claims the checkout intent as placeOrder does, or leaves none', async (variant) => {
    const referenceOf = async (key: string) =>
      String(
        (await rows<RowDataPacket>('orders', 'SELECT reservation_ref FROM orders WHERE user_id = ? AND idempotency_key = ?', [userId, key]))[0]![
          'reservation_ref'
        ],
      );
    const writesTo = async (reference: string) =>
      (await rows<RowDataPacket>('orders', 'SELECT operation, state FROM test_intent_writes WHERE reservation_ref = ? ORDER BY id', [reference])).map(
        (row) => ({
          ...row,
        }),
      );
    const real = await writesTo(await referenceOf('through-the-gateway'));
    expect(real).toEqual([
      { operation: 'INSERT', state: 'PENDING' },
      { operation: 'DELETE', state: 'PENDING' },
    ]);
    const reference = await referenceOf(`straight-to-sql-${variant}`);
    expect(await writesTo(reference)).toEqual(variant === 'one-transaction' ? [] : real);
    expect(await rows('orders', 'SELECT * FROM checkout_intents WHERE reservation_ref = ?', [reference])).toEqual([]);
  });

  it('writes events with the payloads the services write', async () => {
    const shape = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(shape)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]))
          : typeof value;
    const placed = await rows<RowDataPacket>('orders', "SELECT type, aggregate_type, aggregate_id, payload FROM outbox WHERE type = 'OrderPlaced' ORDER BY id");
    expect(placed).toHaveLength(1 + rawVariants.length);
    const [realPlaced, ...rawPlaced] = placed;
    for (const event of rawPlaced) {
      expect(shape(event)).toEqual(shape(realPlaced));
      expect(event['payload'].total).toEqual(realPlaced!['payload'].total);
      expect(event['payload'].lines).toEqual(realPlaced!['payload'].lines);
      expect(event['payload'].orderId).toBe(event['aggregate_id']);
    }

    // The real order's two events, then each raw order's: each took the same units after the one before, so every
    // figure moved on by those units.
    const stockEvents = (await rows<RowDataPacket>('inventory', "SELECT aggregate_id, payload FROM outbox WHERE type = 'StockChanged' ORDER BY id")).map(
      (row) => row['payload'],
    );
    expect(stockEvents).toHaveLength(2 * (1 + rawVariants.length));
    for (let index = 2; index < stockEvents.length; index++) {
      const [earlier, next] = [stockEvents[index - 2], stockEvents[index]];
      expect(shape(next)).toEqual(shape(earlier));
      const units = earlier.previousAvailable - earlier.available;
      expect(next).toEqual({ ...earlier, previousAvailable: earlier.available, available: earlier.available - units, reserved: earlier.reserved + units });
    }
  });

  it('counts the rows of each side after a run through its idempotency keys', async () => {
    const raw = await countSideRows(stack.serverUrl, stack.databases, 'straight-to-sql-');
    expect(raw).toEqual({ orders: 2, orderLines: 4, orderPlacedEvents: 2, reservations: 2, reservationLines: 4, ledgerRows: 4, intentsLeft: 0 });
    expect(rowProblems(raw)).toEqual([]);
    expect(await countSideRows(stack.serverUrl, stack.databases, 'through-the-gateway')).toMatchObject({ orders: 1, orderLines: 2, ledgerRows: 2 });
    // A wildcard in a prefix is taken as itself.
    expect((await countSideRows(stack.serverUrl, stack.databases, 'straight_to%')).orders).toBe(0);
  });

  it.each(rawVariants)('%s: refuses a key already used and a product off sale, having taken nothing', async (variant) => {
    const [inserted] = await pools.catalog.query<ResultSetHeader>(
      "INSERT INTO products (sku, handle, name, description, price_amount, currency, active, category_id, created_at) SELECT CONCAT('OFF-', ?), CONCAT('off-sale-', ?), 'Off sale', '', 100, 'USD', 0, category_id, NOW(3) FROM products LIMIT 1",
      [variant, variant],
    );
    const offSale = inserted.insertId;
    await pools.catalog.query(
      "INSERT INTO product_variants (id, product_id, sku, selected_options, price_amount, position, created_at) SELECT id, id, sku, '[]', price_amount, 0, created_at FROM products WHERE id = ?",
      [offSale],
    );
    await pools.inventory.query(
      'INSERT INTO stock (product_id, parent_product_id, on_hand, reserved, available, low_stock_threshold, updated_at) VALUES (?, ?, 100, 0, 100, 10, NOW(3))',
      [offSale, offSale],
    );
    const before = await fingerprint();
    const again = raws[variant].placeOrder(userId, lines(), `straight-to-sql-${variant}`);
    await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    const unsellable = raws[variant].placeOrder(
      userId,
      [
        { productId: productIds[0]!, quantity: 1 },
        { productId: offSale, quantity: 1 },
      ],
      `off-sale-${variant}`,
    );
    await expect(unsellable).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: `BAD_USER_INPUT: unknown or inactive products: ${offSale}` });
    // RTC refuses both before it records an intent; the two-transaction side records it with its read and drops it.
    expect(net(changes(before, await fingerprint()))).toEqual({});
  });

  let realOutOfStock: Record<string, [number[], number[]]> | undefined;
  it.each(rawVariants)('%s: fails OUT_OF_STOCK naming the short product, having taken nothing, as placeOrder does', async (variant) => {
    const tooMany = [
      { productId: productIds[0]!, quantity: 1 },
      { productId: productIds[1]!, quantity: 99 },
    ];
    if (!realOutOfStock) {
      const start = await fingerprint();
      const real = await postGraphQL<{ placeOrder: { order: null; errors: { code: string; productIds: string[] }[] } }>(
        stack.graphqlUrl,
        'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code productIds } } }',
        { input: { lines: tooMany.map((line) => ({ productId: String(line.productId), quantity: line.quantity })), idempotencyKey: 'too-many-gateway' } },
        { token },
      );
      expect(real.data?.placeOrder).toEqual({ order: null, errors: [{ code: 'OUT_OF_STOCK', productIds: [String(productIds[1])] }] });
      realOutOfStock = changes(start, await fingerprint());
      // RTC recorded the intent, then dropped it: nothing else moved.
      expect(Object.keys(realOutOfStock)).toEqual([intentLog]);
    }
    const before = await fingerprint();
    const attempt = raws[variant].placeOrder(userId, tooMany, `too-many-${variant}`);
    await expect(attempt).rejects.toThrow(RawCheckoutError);
    await expect(attempt).rejects.toMatchObject({ code: 'OUT_OF_STOCK', message: `OUT_OF_STOCK: products ${productIds[1]}` });
    expect(deltas(changes(before, await fingerprint()))).toEqual(deltas(expectedOf(variant, realOutOfStock)));
  });

  it('two-transactions: refuses a reference given up before it reserved, having taken nothing', async () => {
    const key = 'given-up-early';
    const reference = rawReservationReference(userId, key, rawPayloadHash(lines()));
    await pools.orders.query("INSERT INTO checkout_intents (reservation_ref, state, created_at) VALUES (?, 'ABANDONED', NOW(3))", [reference]);
    const before = await fingerprint();
    await expect(raws['two-transactions'].placeOrder(userId, lines(), key)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(net(changes(before, await fingerprint()))).toEqual({});
    expect(await rows('orders', 'SELECT state FROM checkout_intents WHERE reservation_ref = ?', [reference])).toEqual([{ state: 'ABANDONED' }]);
  });

  it('two-transactions: writes no order when its intent is given up between the reservation and the order', async () => {
    const key = 'given-up-while-reserving';
    const reference = rawReservationReference(userId, key, rawPayloadHash(lines()));
    // As the reconciler would, once the reservation has committed: the order's claim must then fail.
    await pools.inventory.query(
      `CREATE TRIGGER test_give_up AFTER INSERT ON reservations FOR EACH ROW UPDATE \`${stack.databases.orders}\`.checkout_intents SET state = 'ABANDONED' WHERE reservation_ref = NEW.reference`,
    );
    try {
      const before = await fingerprint();
      await expect(raws['two-transactions'].placeOrder(userId, lines(), key)).rejects.toMatchObject({ code: 'CONFLICT' });
      const after = changes(before, await fingerprint());
      expect(Object.keys(after)).not.toContain('orders.orders');
      expect(Object.keys(after)).toContain('inventory.reservations');
      expect(await rows('orders', 'SELECT state FROM checkout_intents WHERE reservation_ref = ?', [reference])).toEqual([{ state: 'ABANDONED' }]);
      expect(Object.keys(after)).not.toContain('orders.outbox');
    } finally {
      await pools.inventory.query('DROP TRIGGER test_give_up');
    }
  });
});
