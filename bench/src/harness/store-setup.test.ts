import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { databaseNames, migrateAll } from '@rtc/stack';
import { testServerUrl } from '@rtc/testkit';
import { dropStore, sellableProducts, storeDatabases, storeIsSeeded, topUpStock } from './store-setup';

const serverUrl = testServerUrl();
const databases = storeDatabases(`rtc_test_bench_${randomBytes(3).toString('hex')}_`);
let catalog: Pool;
let inventory: Pool;

const poolFor = (database: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return createPool({ uri: url.toString(), connectionLimit: 2, timezone: 'Z' });
};

beforeAll(async () => {
  await migrateAll(serverUrl, databases);
  catalog = poolFor(databases.catalog);
  inventory = poolFor(databases.inventory);
  await catalog.query("INSERT INTO categories (id, name, slug, description, created_at) VALUES (1, 'Bench', 'bench', '', NOW(3))");
  // 1 and 2 sellable, 3 inactive, 4 never stocked.
  for (const [id, active] of [
    [1, 1],
    [2, 1],
    [3, 0],
    [4, 1],
  ]) {
    await catalog.query(
      "INSERT INTO products (id, sku, handle, name, description, price_amount, currency, active, category_id, created_at) VALUES (?, ?, ?, 'P', '', 100, 'USD', ?, 1, NOW(3))",
      [id, `SKU-${id}`, `p-${id}`, active],
    );
  }
  await inventory.query(
    'INSERT INTO stock (product_id, parent_product_id, on_hand, reserved, available, low_stock_threshold, updated_at) VALUES (1, 1, 12, 2, 10, 10, NOW(3)), (2, 2, 500, 0, 500, 10, NOW(3)), (3, 3, 5, 0, 5, 10, NOW(3))',
  );
});

afterAll(async () => {
  await catalog?.end();
  await inventory?.end();
  const pool = createPool({ uri: serverUrl, connectionLimit: 1 });
  for (const name of Object.values(databases)) await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await pool.end();
});

describe('store setup', () => {
  it('names the databases as the launcher does', () => {
    expect(storeDatabases('rtc_bench_')).toEqual(databaseNames('rtc_bench_'));
  });

  it('tells a store with a catalog from one without', async () => {
    expect(await storeIsSeeded(serverUrl, databases)).toBe(true);
    expect(await storeIsSeeded(serverUrl, storeDatabases(`rtc_test_bench_never_${randomBytes(3).toString('hex')}_`))).toBe(false);
  });

  it('offers only active products that have stock rows', async () => {
    expect(await sellableProducts(serverUrl, databases)).toEqual([1, 2]);
  });

  it('raises available stock to the floor as a restock, leaving fuller products alone', async () => {
    expect(await topUpStock(serverUrl, databases, [1, 2], 100)).toBe(90);
    const [stock] = await inventory.query<RowDataPacket[]>(
      'SELECT product_id, on_hand, reserved, available FROM stock WHERE product_id IN (1, 2) ORDER BY product_id',
    );
    expect(stock.map((row) => ({ ...row }))).toEqual([
      { product_id: 1, on_hand: 102, reserved: 2, available: 100 },
      { product_id: 2, on_hand: 500, reserved: 0, available: 500 },
    ]);
    const [ledger] = await inventory.query<RowDataPacket[]>('SELECT product_id, kind, delta_on_hand, delta_available FROM stock_ledger');
    expect(ledger.map((row) => ({ ...row }))).toEqual([{ product_id: 1, kind: 'RESTOCK', delta_on_hand: 90, delta_available: 90 }]);
    expect(await topUpStock(serverUrl, databases, [1, 2], 100)).toBe(0);
  });

  it('drops a benchmark store and nothing else', async () => {
    const doomed = storeDatabases(`rtc_test_bench_${randomBytes(3).toString('hex')}_`);
    await migrateAll(serverUrl, doomed);
    await dropStore(serverUrl, doomed);
    const [left] = await catalog.query<RowDataPacket[]>('SELECT schema_name FROM information_schema.schemata WHERE schema_name IN (?)', [
      Object.values(doomed),
    ]);
    expect(left).toEqual([]);
    await expect(dropStore(serverUrl, storeDatabases('rtc_'))).rejects.toThrow(/refusing to drop rtc_users/);
  });
});
