import { and, eq, lte, sql, type SQL } from 'drizzle-orm';
import {
  badInput,
  decodeCursor,
  emptyConnection,
  keysetAfter,
  keysetOrder,
  pageSize,
  parseNumericId,
  toConnection,
  withCount,
  type CountedConnection,
} from '@rtc/service-kit';
import type { InventoryDb } from '../db/client';
import { stock, stockLedger, type StockMovementRow, type StockRow } from '../db/schema';

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

export type StockLevelPage = CountedConnection<StockRow>;
export type StockMovementPage = CountedConnection<StockMovementRow>;

/** Staff reads: products low on stock and a product's ledger. */
export interface StockReports {
  lowStock(page: PageArgs): Promise<CountedConnection<StockRow>>;
  movements(productId: string, page: PageArgs): Promise<CountedConnection<StockMovementRow>>;
}

function numericCursor(after: string | null | undefined, arity: number): number[] | null {
  const key = decodeCursor(after, arity);
  if (key === null) return null;
  if (!key.every((part) => typeof part === 'number' && Number.isInteger(part))) throw badInput('after', 'malformed cursor');
  return key as number[];
}

const emptyPage = <T>(): CountedConnection<T> => withCount(emptyConnection(), () => Promise.resolve(0));

export function createStockReports(db: InventoryDb): StockReports {
  const countOf = async (table: typeof stock | typeof stockLedger, where: SQL | undefined) => {
    const [row] = await db
      .select({ count: sql<number>`COUNT(*)`.mapWith(Number) })
      .from(table)
      .where(where);
    return row?.count ?? 0;
  };
  return {
    async lowStock({ first, after }) {
      const size = pageSize(first);
      const cursor = numericCursor(after, 2);
      const rows = await db
        .select()
        .from(stock)
        .where(
          and(
            lte(stock.available, stock.lowStockThreshold),
            cursor
              ? keysetAfter('asc', [
                  [stock.available, cursor[0]],
                  [stock.productId, cursor[1]],
                ])
              : undefined,
          ),
        )
        .orderBy(...keysetOrder('asc', [stock.available, stock.productId]))
        .limit(size + 1);
      return withCount(
        toConnection(rows, size, (row) => [row.available, row.productId], cursor !== null),
        () => countOf(stock, lte(stock.available, stock.lowStockThreshold)),
      );
    },

    async movements(productId, { first, after }) {
      const size = pageSize(first);
      const cursor = numericCursor(after, 1);
      const id = parseNumericId(productId);
      if (id === null) return emptyPage();
      const rows = await db
        .select()
        .from(stockLedger)
        .where(and(eq(stockLedger.productId, id), cursor ? keysetAfter('desc', [[stockLedger.id, cursor[0]]]) : undefined))
        .orderBy(...keysetOrder('desc', [stockLedger.id]))
        .limit(size + 1);
      return withCount(
        toConnection(rows, size, (row) => [row.id], cursor !== null),
        () => countOf(stockLedger, eq(stockLedger.productId, id)),
      );
    },
  };
}
