// Bench setup straight in SQL, never part of a measurement: a store of the benchmark's own, which products can be
// bought, and enough stock that none runs out mid-round.
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { databaseNames, dropAll } from '@rtc/stack';

export type StoreDatabase = 'users' | 'catalog' | 'orders' | 'inventory' | 'activity';

/** As the launcher names them: `<prefix><subgraph>`. */
export function storeDatabases(prefix: string): Record<StoreDatabase, string> {
  return databaseNames(prefix);
}

/**
 * Drops the store's five databases, so the launcher migrates and seeds a fresh one. Checkout needs this: every order
 * a run places stays unpaid and falls due 15 to 17 minutes later, and expiring tens of thousands of them would load
 * whichever run comes next.
 */
export async function dropStore(serverUrl: string, databases: Record<StoreDatabase, string>): Promise<void> {
  for (const name of Object.values(databases)) {
    if (!/^rtc_[a-z0-9_]*bench[a-z0-9_]*$/.test(name)) throw new Error(`refusing to drop ${name}: only benchmark stores (rtc_…bench…) are dropped`);
  }
  await dropAll(serverUrl, databases);
}

async function withPool<T>(serverUrl: string, database: string, run: (pool: Pool) => Promise<T>): Promise<T> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const pool = createPool({ uri: url.toString(), connectionLimit: 1, timezone: 'Z', supportBigNumbers: true, decimalNumbers: true });
  try {
    return await run(pool);
  } finally {
    await pool.end();
  }
}

/** Whether the store has a catalog yet: the launcher seeds the catalog last, so products mean a finished seed. */
export async function storeIsSeeded(serverUrl: string, databases: Record<StoreDatabase, string>): Promise<boolean> {
  try {
    return await withPool(serverUrl, databases.catalog, async (pool) => {
      const [[row]] = await pool.query<RowDataPacket[]>('SELECT EXISTS (SELECT 1 FROM products) AS seeded');
      return Number(row!['seeded']) === 1;
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ER_BAD_DB_ERROR' || code === 'ER_NO_SUCH_TABLE') return false;
    throw error;
  }
}

/** Active catalog products that inventory keeps stock for, by id. */
export async function sellableProducts(serverUrl: string, databases: Record<StoreDatabase, string>): Promise<number[]> {
  const active = await withPool(serverUrl, databases.catalog, async (pool) => {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT id FROM products WHERE active = 1');
    return new Set(rows.map((row) => Number(row['id'])));
  });
  const stocked = await withPool(serverUrl, databases.inventory, async (pool) => {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT product_id FROM stock ORDER BY product_id');
    return rows.map((row) => Number(row['product_id']));
  });
  return stocked.filter((id) => active.has(id));
}

/**
 * Raises available stock to `floor` units where it is lower, as a restock would: on hand rises by the same units
 * (so on hand = available + reserved still holds) and each product gets a RESTOCK ledger row.
 * Resolves with the units added.
 */
export async function topUpStock(serverUrl: string, databases: Record<StoreDatabase, string>, productIds: readonly number[], floor: number): Promise<number> {
  if (productIds.length === 0) return 0;
  return withPool(serverUrl, databases.inventory, async (pool) => {
    const connection = await pool.getConnection();
    try {
      await connection.query('begin');
      const [short] = await connection.query<RowDataPacket[]>('SELECT product_id, available FROM stock WHERE product_id IN (?) AND available < ? FOR UPDATE', [
        productIds,
        floor,
      ]);
      if (short.length > 0) {
        const now = new Date();
        await connection.query('INSERT INTO stock_ledger (product_id, kind, delta_on_hand, delta_available, reference, reason, actor, created_at) VALUES ?', [
          short.map((row) => [row['product_id'], 'RESTOCK', floor - row['available'], floor - row['available'], 'bench', 'bench top-up', 'bench', now]),
        ]);
        await connection.query(
          'UPDATE stock SET on_hand = on_hand + (? - available), available = ?, updated_at = ? WHERE product_id IN (?) AND available < ?',
          [floor, floor, now, short.map((row) => row['product_id']), floor],
        );
      }
      await connection.query('commit');
      return short.reduce((sum, row) => sum + floor - Number(row['available']), 0);
    } catch (error) {
      await connection.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  });
}
