import { and, eq, getTableColumns, lte, sql, type SQL } from 'drizzle-orm';
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
import type { StockFigures } from './stock-level';

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/** A variant's stock row with its product's figures, summed over the product's variants. */
export interface StockLevelRow extends StockRow {
  readonly productStock: StockFigures;
}

export type StockLevelPage = CountedConnection<StockLevelRow>;
export type StockMovementPage = CountedConnection<StockMovementRow>;

/** Staff reads: variants low on stock and a variant's ledger. */
export interface StockReports {
  lowStock(page: PageArgs): Promise<CountedConnection<StockLevelRow>>;
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
      // The product's sums in the same statement: one query a page, however many products it shows.
      const sumOf = (column: string) =>
        sql.raw(`(select sum(\`s\`.\`${column}\`) from \`stock\` \`s\` where \`s\`.\`parent_product_id\` = \`stock\`.\`parent_product_id\`)`);
      const rows = await db
        .select({
          ...getTableColumns(stock),
          productOnHand: sql<number>`${sumOf('on_hand')}`.mapWith(Number),
          productReserved: sql<number>`${sumOf('reserved')}`.mapWith(Number),
          productAvailable: sql<number>`${sumOf('available')}`.mapWith(Number),
          productThreshold: sql<number>`${sumOf('low_stock_threshold')}`.mapWith(Number),
        })
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
      const levels: StockLevelRow[] = rows.map(({ productOnHand, productReserved, productAvailable, productThreshold, ...row }) => ({
        ...row,
        productStock: {
          productId: row.parentProductId,
          parentProductId: row.parentProductId,
          onHand: productOnHand,
          reserved: productReserved,
          available: productAvailable,
          lowStockThreshold: productThreshold,
        },
      }));
      return withCount(
        toConnection(levels, size, (row) => [row.available, row.productId], cursor !== null),
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
