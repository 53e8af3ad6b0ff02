// After a checkout run: the rows each side wrote for its orders, counted in the database, so a raw variant that
// wrote less than RTC (and so looked faster) shows.
import { createPool, type RowDataPacket } from 'mysql2/promise';
import type { StoreDatabase } from './store-setup';

/** What one side's orders left in the databases, counted through the orders' own idempotency keys. */
export interface SideRows {
  readonly orders: number;
  readonly orderLines: number;
  readonly orderPlacedEvents: number;
  readonly reservations: number;
  readonly reservationLines: number;
  readonly ledgerRows: number;
  /** Checkout intents still naming a placed order's reservation: the order's transaction must have claimed each. */
  readonly intentsLeft: number;
}

/** Problems with one side's rows: every order has one OrderPlaced and one reservation, every line a reserved line and a ledger row. */
export function rowProblems(rows: SideRows): string[] {
  const problems: string[] = [];
  if (rows.orderPlacedEvents !== rows.orders) problems.push(`${rows.orderPlacedEvents} OrderPlaced events for ${rows.orders} orders`);
  if (rows.reservations !== rows.orders) problems.push(`${rows.reservations} reservations for ${rows.orders} orders`);
  if (rows.reservationLines !== rows.orderLines) problems.push(`${rows.reservationLines} reserved lines for ${rows.orderLines} order lines`);
  if (rows.ledgerRows !== rows.orderLines) problems.push(`${rows.ledgerRows} ledger rows for ${rows.orderLines} order lines`);
  if (rows.intentsLeft > 0) problems.push(`${rows.intentsLeft} checkout intents left by placed orders`);
  return problems;
}

export function formatSideRows(side: string, rows: SideRows): string {
  const per = (count: number) => (rows.orders > 0 ? (count / rows.orders).toFixed(2) : '-');
  return (
    `${side.padEnd(12)} ${rows.orders} orders; per order ${per(rows.orderLines)} lines, ${per(rows.orderPlacedEvents)} OrderPlaced, ` +
    `${per(rows.reservations)} reservation, ${per(rows.reservationLines)} reserved lines, ${per(rows.ledgerRows)} ledger rows, ${rows.intentsLeft} intents left`
  );
}

const quoted = (name: string) => `\`${name.replace(/`/g, '')}\``;

/**
 * Counts, for orders whose idempotency key starts with `keyPrefix`, their lines, OrderPlaced rows, reservations,
 * reserved lines, RESERVATION ledger rows and the checkout intents left. The side's order ids and references are read first and the counts
 * taken by list (the ledger has no index on its reference, so a join would scan it once per order).
 */
export async function countSideRows(serverUrl: string, databases: Record<StoreDatabase, string>, keyPrefix: string): Promise<SideRows> {
  const pool = createPool({ uri: serverUrl, connectionLimit: 1 });
  const orders = quoted(databases.orders);
  const inventory = quoted(databases.inventory);
  const count = async (sql: string, values: unknown[]) => {
    const [[row]] = await pool.query<RowDataPacket[]>(sql, values);
    return Number(row!['n']);
  };
  try {
    const [placed] = await pool.query<RowDataPacket[]>(`select \`id\`, \`reservation_ref\` from ${orders}.\`orders\` where \`idempotency_key\` like ?`, [
      `${keyPrefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`,
    ]);
    if (placed.length === 0) return { orders: 0, orderLines: 0, orderPlacedEvents: 0, reservations: 0, reservationLines: 0, ledgerRows: 0, intentsLeft: 0 };
    const ids = placed.map((row) => Number(row['id']));
    const references = placed.map((row) => String(row['reservation_ref']));
    return {
      orders: placed.length,
      orderLines: await count(`select count(*) as n from ${orders}.\`order_lines\` where \`order_id\` in (?)`, [ids]),
      orderPlacedEvents: await count(`select count(*) as n from ${orders}.\`outbox\` where \`type\` = 'OrderPlaced' and \`aggregate_id\` in (?)`, [
        ids.map(String),
      ]),
      reservations: await count(`select count(*) as n from ${inventory}.\`reservations\` where \`reference\` in (?)`, [references]),
      reservationLines: await count(
        `select count(*) as n from ${inventory}.\`reservation_lines\` l join ${inventory}.\`reservations\` r on l.\`reservation_id\` = r.\`id\` where r.\`reference\` in (?)`,
        [references],
      ),
      ledgerRows: await count(`select count(*) as n from ${inventory}.\`stock_ledger\` where \`kind\` = 'RESERVATION' and \`reference\` in (?)`, [references]),
      intentsLeft: await count(`select count(*) as n from ${orders}.\`checkout_intents\` where \`reservation_ref\` in (?)`, [references]),
    };
  } finally {
    await pool.end();
  }
}
