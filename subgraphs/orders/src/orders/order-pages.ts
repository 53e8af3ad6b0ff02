import { and, eq, type SQL } from 'drizzle-orm';
import { decodeCursor, keysetAfter, keysetOrder, pageSize, toConnection, badInput, type Connection } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { orders, type OrderRow, type OrderStatus } from '../db/schema';

export interface OrderPageRequest {
  readonly userId?: number;
  readonly status?: OrderStatus | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** Orders newest first (placedAt, then id), a keyset page at a time. */
export async function listOrders(db: OrdersDb, { userId, status, first, after }: OrderPageRequest): Promise<Connection<OrderRow>> {
  const size = pageSize(first);
  const cursor = decodeCursor(after, 2);
  const conditions: SQL[] = [];
  if (userId !== undefined) conditions.push(eq(orders.userId, userId));
  if (status) conditions.push(eq(orders.status, status));
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
  return toConnection(rows, size, (row) => [row.placedAt.getTime(), row.id], cursor !== null);
}
