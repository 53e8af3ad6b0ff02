import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlPool, runnerOn, type Pool, type ResultSetHeader } from '@rtc/service-kit';
import { applyOrdersToRollups } from '../rollups/write-rollups';
import { startOrderStack, type OrderStack } from '../testing';

const unpaid = 3_000;
const products = 10;
const unitsOnHand = 1_000;

let stack: OrderStack;
let productIds: number[];
let ordersPool: Pool;
let inventoryPool: Pool;

beforeAll(async () => {
  stack = await startOrderStack({ config: { paymentTtlSeconds: 600 } });
  productIds = (await stack.seedProducts(Array.from({ length: products }, (_, i) => ({ sku: `SWEEP-${i}`, price: 1_000 + i, stock: unitsOnHand })))).map(
    Number,
  );
  ordersPool = createMysqlPool({ url: stack.ordersDb.url, connectionLimit: 2 });
  inventoryPool = createMysqlPool({ url: stack.inventoryDb.url, connectionLimit: 2 });
});

afterAll(async () => {
  await Promise.all([ordersPool?.end(), inventoryPool?.end()]);
  await stack?.stop();
});

const chunksOf = <T>(rows: readonly T[], size = 500): T[][] =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

/**
 * Unpaid orders placed two hours ago, each holding one or two units in inventory, written as checkout writes them
 * (reservation, its lines and ledger rows; the order, its lines and rollups), only in bulk.
 */
async function seedUnpaidOrders(count: number): Promise<void> {
  const placedAt = new Date(Date.now() - 2 * 3_600_000);
  const now = new Date();
  const orders = Array.from({ length: count }, (_, i) => {
    const productId = productIds[i % products]!;
    const quantity = 1 + (i % 2);
    const unitAmount = 1_000 + (i % products);
    return { i, userId: 1_000 + (i % 700), reference: `sweep-${i}`, productId, quantity, unitAmount };
  });
  for (const chunk of chunksOf(orders)) {
    const [header] = await inventoryPool.query<ResultSetHeader>('INSERT INTO reservations (reference, status, expires_at, created_at, updated_at) VALUES ?', [
      chunk.map((order) => [order.reference, 'HELD', new Date(now.getTime() + 3_600_000), now, now]),
    ]);
    await inventoryPool.query('INSERT INTO reservation_lines (reservation_id, product_id, quantity) VALUES ?', [
      chunk.map((order, index) => [header.insertId + index, order.productId, order.quantity]),
    ]);
    await inventoryPool.query('INSERT INTO stock_ledger (product_id, kind, delta_on_hand, delta_available, reference, actor, created_at) VALUES ?', [
      chunk.map((order) => [order.productId, 'RESERVATION', 0, -order.quantity, order.reference, 'service', now]),
    ]);
    const [first] = await ordersPool.query<ResultSetHeader>(
      'INSERT INTO orders (user_id, idempotency_key, reservation_ref, status, currency, total_amount, item_count, placed_at, updated_at) VALUES ?',
      [
        chunk.map((order) => [
          order.userId,
          `sweep-${order.i}`,
          order.reference,
          'PENDING',
          'USD',
          order.unitAmount * order.quantity,
          order.quantity,
          placedAt,
          placedAt,
        ]),
      ],
    );
    const rows = chunk.map((order, index) => ({
      id: first.insertId + index,
      userId: order.userId,
      placedAt,
      currency: 'USD',
      totalAmount: order.unitAmount * order.quantity,
      lines: [{ productId: order.productId, quantity: order.quantity, unitAmount: order.unitAmount, lineAmount: order.unitAmount * order.quantity }],
    }));
    await ordersPool.query('INSERT INTO order_lines (order_id, product_id, variant_id, quantity, unit_amount, line_amount) VALUES ?', [
      rows.map((row) => [row.id, row.lines[0]!.productId, row.lines[0]!.productId, row.lines[0]!.quantity, row.lines[0]!.unitAmount, row.lines[0]!.lineAmount]),
    ]);
    await applyOrdersToRollups(runnerOn(ordersPool), rows);
  }
  for (const productId of productIds) {
    const held = orders.filter((order) => order.productId === productId).reduce((sum, order) => sum + order.quantity, 0);
    await inventoryPool.query('UPDATE stock SET reserved = reserved + ?, available = available - ? WHERE product_id = ?', [held, held, productId]);
  }
}

describe('the unpaid-order sweep', () => {
  it(`expires ${unpaid} unpaid orders in one pass on two replicas at once, each exactly once, and stock equals the ledger`, async () => {
    await seedUnpaidOrders(unpaid);
    // A customer of the sweep who also has a paid order: it stays their first order and in the rollups.
    const paidAt = new Date(Date.now() - 3 * 3_600_000);
    await ordersPool.query(
      "INSERT INTO orders (user_id, idempotency_key, reservation_ref, status, currency, total_amount, item_count, placed_at, updated_at, paid_at) VALUES (1000, 'paid', 'paid-ref', 'PAID', 'USD', 5000, 1, ?, ?, ?)",
      [paidAt, paidAt, paidAt],
    );
    await applyOrdersToRollups(runnerOn(ordersPool), [
      {
        userId: 1000,
        placedAt: paidAt,
        currency: 'USD',
        totalAmount: 5000,
        lines: [{ productId: productIds[0]!, quantity: 1, lineAmount: 5000 }],
      },
    ]);
    const [held] = await stack.inventoryRows<{ reserved: number }>('SELECT CAST(SUM(reserved) AS SIGNED) AS reserved FROM stock');
    expect(held?.reserved).toBe(unpaid * 1.5);

    const replica = await stack.startReplica();
    const started = performance.now();
    const passes = await Promise.all([stack.orders.service.sweeper.sweep(), replica.service.sweeper.sweep()]);
    const seconds = (performance.now() - started) / 1000;
    console.info(`swept ${unpaid} unpaid orders in ${seconds.toFixed(2)} s: ${Math.round(unpaid / seconds)} expiries/s`);
    expect(passes[0].expired + passes[1].expired).toBe(unpaid);
    // Generous for a loaded machine; the pass is batched (200 orders per transaction and per inventory call).
    expect(seconds).toBeLessThan(60);

    const statuses = await stack.orderRows<{ status: string; cancel_reason: string; released: number; n: number }>(
      `SELECT status, cancel_reason, stock_released_at IS NOT NULL AS released, COUNT(*) AS n FROM orders WHERE status <> 'PAID' GROUP BY status, cancel_reason, released`,
    );
    expect(statuses).toEqual([{ status: 'CANCELLED', cancel_reason: 'EXPIRED', released: 1, n: unpaid }]);
    const [events] = await stack.orderRows<{ n: number; orders: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT aggregate_id) AS orders FROM outbox WHERE type = 'OrderStatusChanged' AND JSON_VALUE(payload, '$.status') = 'CANCELLED'`,
    );
    expect(events).toEqual({ n: unpaid, orders: unpaid });
    const [rollups] = await stack.orderRows<{ orders: number; revenue: number }>(
      'SELECT CAST(COALESCE(SUM(orders), 0) AS SIGNED) AS orders, CAST(COALESCE(SUM(revenue), 0) AS SIGNED) AS revenue FROM sales_by_minute',
    );
    expect(rollups).toEqual({ orders: 1, revenue: 5000 });
    const customers = await stack.orderRows<{ user_id: number; orders: number; first_order_at: Date }>(
      'SELECT user_id, orders, first_order_at FROM customer_stats WHERE orders > 0 OR first_order_at IS NOT NULL',
    );
    expect(customers).toEqual([{ user_id: 1000, orders: 1, first_order_at: paidAt }]);

    const reservations = await stack.inventoryRows<{ status: string; release_reason: string; n: number }>(
      'SELECT status, release_reason, COUNT(*) AS n FROM reservations GROUP BY status, release_reason',
    );
    expect(reservations).toEqual([{ status: 'RELEASED', release_reason: 'EXPIRED', n: unpaid }]);
    const [releases] = await stack.inventoryRows<{ n: number; references: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT reference) AS \`references\` FROM stock_ledger WHERE kind = 'RELEASE' AND reason = 'EXPIRED'`,
    );
    expect(releases).toEqual({ n: unpaid, references: unpaid });
    const stock = await stack.inventoryRows<{ product_id: number; on_hand: number; reserved: number; available: number }>(
      'SELECT product_id, on_hand, reserved, available FROM stock ORDER BY product_id',
    );
    expect(stock).toEqual(productIds.map((productId) => ({ product_id: productId, on_hand: unitsOnHand, reserved: 0, available: unitsOnHand })));
    const ledger = await stack.inventoryRows<{ product_id: number; available: number }>(
      'SELECT product_id, CAST(SUM(delta_available) AS SIGNED) AS available FROM stock_ledger GROUP BY product_id ORDER BY product_id',
    );
    // Seeded stock has no ledger row: the ledger's movements net to zero.
    expect(ledger.every((row) => row.available === 0)).toBe(true);

    expect(await stack.orders.service.sweeper.sweep()).toEqual({ expired: 0, released: 0 });
  });
});
