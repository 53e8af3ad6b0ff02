import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlPool, runnerOn, type Pool } from '@rtc/service-kit';
import { createTestDatabase, queryRows, type TestDatabase } from '@rtc/testkit';
import { ordersMigrations } from '../migrations';
import { applyOrderHistoryToRollups, type HistoricalOrder } from './write-rollups';

let database: TestDatabase;
let pool: Pool;

const statuses = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;
const snapshot = (table: string, key: string) => queryRows(database.url, `SELECT * FROM ${table} ORDER BY ${key}`);

/** The backfill statements of the migration that added gross and net: those after its ALTER TABLEs. */
async function backfillStatements(): Promise<string[]> {
  const text = await readFile(join(ordersMigrations, '0003_gross_net_sales.sql'), 'utf8');
  return text
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0 && !statement.startsWith('ALTER TABLE'));
}

beforeAll(async () => {
  database = await createTestDatabase('orders', ordersMigrations);
  pool = createMysqlPool({ url: database.url, connectionLimit: 1 });
  // Orders of every status over a few minutes, some in the same minute, written as the seeder writes history.
  const history: (HistoricalOrder & { id: number; units: number })[] = [];
  for (let id = 1; id <= 40; id += 1) {
    const status = statuses[id % statuses.length]!;
    const placedAt = new Date(Date.UTC(2026, 2, 1, 10, id % 7, id % 60, id));
    const lines = [
      { productId: 10 + (id % 3), quantity: 1 + (id % 4), lineAmount: (1 + (id % 4)) * 250 },
      ...(id % 2 ? [{ productId: 20, quantity: 2, lineAmount: 1_000 }] : []),
    ];
    const totalAmount = lines.reduce((sum, line) => sum + line.lineAmount, 0);
    const units = lines.reduce((sum, line) => sum + line.quantity, 0);
    history.push({ id, status, userId: 100 + (id % 5), placedAt, currency: id % 9 === 0 ? 'EUR' : 'USD', totalAmount, units, lines });
  }
  for (const order of history) {
    const paidAt = order.status === 'PENDING' || (order.status === 'CANCELLED' && order.id % 2 === 0) ? null : order.placedAt;
    await queryRows(
      database.url,
      'INSERT INTO orders (id, user_id, idempotency_key, reservation_ref, status, currency, total_amount, item_count, placed_at, updated_at, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        order.id,
        order.userId,
        `k-${order.id}`,
        `r-${order.id}`,
        order.status,
        order.currency,
        order.totalAmount,
        order.units,
        order.placedAt,
        order.placedAt,
        paidAt,
      ],
    );
    for (const line of order.lines) {
      await queryRows(
        database.url,
        'INSERT INTO order_lines (order_id, product_id, variant_id, quantity, unit_amount, line_amount) VALUES (?, ?, ?, ?, ?, ?)',
        [order.id, line.productId, line.productId, line.quantity, line.lineAmount / line.quantity, line.lineAmount],
      );
    }
  }
  await applyOrderHistoryToRollups(runnerOn(pool), history);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('the gross and net migration', () => {
  it('backfills gross and net exactly as checkout, payment and cancellation would have written them', async () => {
    const sales = await snapshot('sales_by_minute', 'currency, minute');
    const products = await snapshot('product_sales_by_minute', 'currency, minute, product_id');
    expect(sales.some((row) => Number(row['net_orders']) > 0 && Number(row['gross_orders']) > Number(row['net_orders']))).toBe(true);
    await queryRows(
      database.url,
      'UPDATE sales_by_minute SET gross_orders = 0, gross_revenue = 0, gross_units = 0, net_orders = 0, net_revenue = 0, net_units = 0',
    );
    await queryRows(
      database.url,
      'UPDATE product_sales_by_minute SET gross_orders = 0, gross_units = 0, gross_revenue = 0, net_orders = 0, net_units = 0, net_revenue = 0',
    );
    const statements = await backfillStatements();
    expect(statements).toHaveLength(2);
    for (const statement of statements) await queryRows(database.url, statement);
    expect(await snapshot('sales_by_minute', 'currency, minute')).toEqual(sales);
    expect(await snapshot('product_sales_by_minute', 'currency, minute, product_id')).toEqual(products);
  });

  it('writes the whole row of a minute whose rollup row is missing', async () => {
    const sales = await snapshot('sales_by_minute', 'currency, minute');
    await queryRows(database.url, 'DELETE FROM sales_by_minute WHERE minute = (SELECT MIN(minute) FROM (SELECT minute FROM sales_by_minute) AS m)');
    for (const statement of await backfillStatements()) await queryRows(database.url, statement);
    expect(await snapshot('sales_by_minute', 'currency, minute')).toEqual(sales);
  });
});

describe('the variant migration', () => {
  it("starts the variant rollups from the product ones, every earlier line being its product's default variant's", async () => {
    const variants = await snapshot('variant_sales_by_minute', 'currency, minute, variant_id');
    expect(variants.length).toBeGreaterThan(0);
    const text = await readFile(join(ordersMigrations, '0005_order_line_variants.sql'), 'utf8');
    const backfill = text
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter((statement) => statement.includes('INSERT INTO `variant_sales_by_minute`'));
    expect(backfill).toHaveLength(1);
    await queryRows(database.url, 'DELETE FROM variant_sales_by_minute');
    await queryRows(database.url, backfill[0]!.replace(/^(--[^\n]*\n)+/, ''));
    expect(await snapshot('variant_sales_by_minute', 'currency, minute, variant_id')).toEqual(variants);
  });
});
