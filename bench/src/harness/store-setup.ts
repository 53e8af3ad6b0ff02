// Bench setup straight in SQL, never part of a measurement: which products can be bought, enough stock that none
// runs out mid-round, and a store that has finished the expiry work earlier runs left behind.
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';

export type StoreDatabase = 'users' | 'catalog' | 'orders' | 'inventory';

/** As the launcher names them: `<prefix><subgraph>`. */
export function storeDatabases(prefix: string): Record<StoreDatabase, string> {
  return { users: `${prefix}users`, catalog: `${prefix}catalog`, orders: `${prefix}orders`, inventory: `${prefix}inventory` };
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
        await connection.query(
          'INSERT INTO stock_ledger (product_id, kind, delta_on_hand, delta_available, reference, reason, actor, created_at) VALUES ?',
          [short.map((row) => [row['product_id'], 'RESTOCK', floor - row['available'], floor - row['available'], 'bench', 'bench top-up', 'bench', now])],
        );
        await connection.query('UPDATE stock SET on_hand = on_hand + (? - available), available = ?, updated_at = ? WHERE product_id IN (?) AND available < ?', [
          floor,
          floor,
          now,
          short.map((row) => row['product_id']),
          floor,
        ]);
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

/** Reservations inventory should already have expired (HELD past their expiry), e.g. left by an earlier run. */
export async function dueReservations(serverUrl: string, databases: Record<StoreDatabase, string>, now = new Date()): Promise<number> {
  return withPool(serverUrl, databases.inventory, async (pool) => {
    const [[row]] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS due FROM reservations WHERE status = 'HELD' AND expires_at <= ?", [now]);
    return Number(row!['due']);
  });
}

/**
 * Waits until inventory's expiry job has returned the stock of every reservation past its expiry: thousands left
 * by an earlier run would otherwise be expired in the background of a measured round.
 */
export async function waitForDueReservations(
  serverUrl: string,
  databases: Record<StoreDatabase, string>,
  { timeoutMs, pollMs = 1_000, onWaiting }: { timeoutMs: number; pollMs?: number; onWaiting?: (due: number) => void },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let due = await dueReservations(serverUrl, databases); due > 0; due = await dueReservations(serverUrl, databases)) {
    if (Date.now() >= deadline) throw new Error(`${due} reservations are past their expiry and inventory has not expired them within ${timeoutMs} ms`);
    onWaiting?.(due);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
