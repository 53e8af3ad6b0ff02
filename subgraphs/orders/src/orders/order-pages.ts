import { and, eq, sql, type SQL } from 'drizzle-orm';
import { decodeCursor, keysetAfter, keysetOrder, pageSize, toConnection, badInput, withCount, type CountedConnection } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { orders, type OrderRow, type OrderStatus } from '../db/schema';

export interface OrderPageRequest {
  readonly userId?: number;
  readonly status?: OrderStatus | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** A page of orders, and how to count every order of its listing (read only when `totalCount` is asked for). */
export type OrderPage = CountedConnection<OrderRow>;

function filterConditions({ userId, status }: OrderPageRequest): SQL[] {
  const conditions: SQL[] = [];
  if (userId !== undefined) conditions.push(eq(orders.userId, userId));
  if (status) conditions.push(eq(orders.status, status));
  return conditions;
}

/** How many orders the listing holds over all its pages (its filters, not its cursor). */
export async function countOrders(db: OrdersDb, request: OrderPageRequest): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`COUNT(*)`.mapWith(Number) })
    .from(orders)
    .where(and(...filterConditions(request)));
  return row?.count ?? 0;
}

/** Orders newest first (placedAt, then id), a keyset page at a time. */
export async function listOrders(db: OrdersDb, request: OrderPageRequest): Promise<OrderPage> {
  const { first, after } = request;
  const size = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const conditions = filterConditions(request);
  if (cursor) {
    const [placedAt, id] = cursor;
    if (typeof placedAt !== 'number' || typeof id !== 'number') throw badInput('after', 'malformed cursor');
    conditions.push(
      keysetAfter('desc', [
        [orders.placedAt, new Date(placedAt)],
        [orders.id, id],
      ]),
    );
  }
  const rows = await db
    .select()
    .from(orders)
    .where(and(...conditions))
    .orderBy(...keysetOrder('desc', [orders.placedAt, orders.id]))
    .limit(size + 1);
  return withCount(
    toConnection(rows, size, (row) => [row.placedAt.getTime(), row.id], cursor !== null),
    () => countOrders(db, request),
  );
}
