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
}

/** Problems with one side's rows: every order has one OrderPlaced and one reservation, every line a reserved line and a ledger row. */
export function rowProblems(rows: SideRows): string[] {
  const problems: string[] = [];
  if (rows.orderPlacedEvents !== rows.orders) problems.push(`${rows.orderPlacedEvents} OrderPlaced events for ${rows.orders} orders`);
  if (rows.reservations !== rows.orders) problems.push(`${rows.reservations} reservations for ${rows.orders} orders`);
  if (rows.reservationLines !== rows.orderLines) problems.push(`${rows.reservationLines} reserved lines for ${rows.orderLines} order lines`);
  if (rows.ledgerRows !== rows.orderLines) problems.push(`${rows.ledgerRows} ledger rows for ${rows.orderLines} order lines`);
  return problems;
}

export function formatSideRows(side: string, rows: SideRows): string {
  const per = (count: number) => (rows.orders > 0 ? (count / rows.orders).toFixed(2) : '-');
  return (
    `${side.padEnd(12)} ${rows.orders} orders; per order ${per(rows.orderLines)} lines, ${per(rows.orderPlacedEvents)} OrderPlaced, ` +
    `${per(rows.reservations)} reservation, ${per(rows.reservationLines)} reserved lines, ${per(rows.ledgerRows)} ledger rows`
  );
}

const quoted = (name: string) => `\`${name.replace(/`/g, '')}\``;

/**
 * Counts, for orders whose idempotency key starts with `keyPrefix`, their lines, OrderPlaced rows, reservations,
 * reserved lines and RESERVATION ledger rows. Both databases share the server, so one connection joins them.
 */
export async function countSideRows(serverUrl: string, databases: Record<StoreDatabase, string>, keyPrefix: string): Promise<SideRows> {
  const pool = createPool({ uri: serverUrl, connectionLimit: 1 });
  const orders = quoted(databases.orders);
  const inventory = quoted(databases.inventory);
  const mine = `select \`id\`, \`reservation_ref\` from ${orders}.\`orders\` where \`idempotency_key\` like ?`;
  const like = `${keyPrefix.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  try {
    const [[row]] = await pool.query<RowDataPacket[]>(
      `select
         (select count(*) from (${mine}) as o) as orders,
         (select count(*) from ${orders}.\`order_lines\` l join (${mine}) as o on l.\`order_id\` = o.\`id\`) as order_lines,
         (select count(*) from ${orders}.\`outbox\` e join (${mine}) as o on e.\`aggregate_id\` = cast(o.\`id\` as char) where e.\`type\` = 'OrderPlaced') as order_placed,
         (select count(*) from ${inventory}.\`reservations\` r join (${mine}) as o on r.\`reference\` = o.\`reservation_ref\`) as reservations,
         (select count(*) from ${inventory}.\`reservation_lines\` rl join ${inventory}.\`reservations\` r on rl.\`reservation_id\` = r.\`id\`
            join (${mine}) as o on r.\`reference\` = o.\`reservation_ref\`) as reservation_lines,
         (select count(*) from ${inventory}.\`stock_ledger\` s join (${mine}) as o on s.\`reference\` = o.\`reservation_ref\` where s.\`kind\` = 'RESERVATION') as ledger_rows`,
      [like, like, like, like, like, like],
    );
    return {
      orders: Number(row!['orders']),
      orderLines: Number(row!['order_lines']),
      orderPlacedEvents: Number(row!['order_placed']),
      reservations: Number(row!['reservations']),
      reservationLines: Number(row!['reservation_lines']),
      ledgerRows: Number(row!['ledger_rows']),
    };
  } finally {
    await pool.end();
  }
}
