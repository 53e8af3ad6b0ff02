import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '@rtc/service-kit';
import { queryRows, testServerUrl } from '@rtc/testkit';
import { databaseNames, dropAll, migrateAll } from '../databases';
import { seedIfEmpty } from './seed';

const databases = databaseNames(`rtc_test_seed_${randomBytes(3).toString('hex')}_`);
const url = (name: keyof typeof databases) => withDatabase(testServerUrl(), databases[name]);

beforeAll(async () => {
  await migrateAll(testServerUrl(), databases);
  await seedIfEmpty(testServerUrl(), databases, { timeZone: 'Europe/Berlin', currency: 'USD', products: 200, customers: 50, orders: 400 });
}, 120_000);

afterAll(async () => {
  await dropAll(testServerUrl(), databases);
});

describe('the seeded store', () => {
  it('gives every product its default variant and apparel its sizes, each with its own SKU and stock', async () => {
    const [counts] = await queryRows<{ products: number; defaults: number; sized: number }>(
      url('catalog'),
      `SELECT (SELECT COUNT(*) FROM products) AS products, (SELECT COUNT(*) FROM product_variants WHERE id = product_id) AS defaults,
         (SELECT COUNT(DISTINCT product_id) FROM product_variants WHERE id <> product_id) AS sized`,
    );
    expect(Number(counts!.defaults)).toBe(Number(counts!.products));
    expect(Number(counts!.sized)).toBeGreaterThan(0);
    const variantIds = (await queryRows<{ id: number }>(url('catalog'), 'SELECT id FROM product_variants ORDER BY id')).map((row) => Number(row.id));
    const stocked = (await queryRows<{ product_id: number }>(url('inventory'), 'SELECT product_id FROM stock ORDER BY product_id')).map((row) =>
      Number(row.product_id),
    );
    expect(stocked).toEqual(variantIds);
    const [mismatched] = await queryRows<{ n: number }>(url('inventory'), 'SELECT COUNT(*) AS n FROM stock WHERE on_hand <> available + reserved');
    expect(Number(mismatched!.n)).toBe(0);
  });

  it('sells sizes in its history at their own prices, and the variant rollups add up to the lines', async () => {
    const [sold] = await queryRows<{ n: number }>(url('orders'), 'SELECT COUNT(*) AS n FROM order_lines WHERE variant_id <> product_id');
    expect(Number(sold!.n)).toBeGreaterThan(0);
    const [lines] = await queryRows<{ units: number }>(url('orders'), 'SELECT SUM(quantity) AS units FROM order_lines');
    const [rollups] = await queryRows<{ units: number }>(url('orders'), 'SELECT SUM(gross_units) AS units FROM variant_sales_by_minute');
    expect(Number(rollups!.units)).toBe(Number(lines!.units));
  });
});
