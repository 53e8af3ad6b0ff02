import { eq, sql } from 'drizzle-orm';
import { createRowInsert, outboxStatement, readDateTime, type SqlRunner, type Statement } from '@rtc/service-kit';
import type { InventoryTx } from '../db/client';
import { outbox, stock, stockLedger, type StockMovementKind, type StockRow } from '../db/schema';
import { figuresBefore, stockChangedEvent } from './stock-changed';

/** One movement already applied to a stock row, to be written to the ledger. */
export interface Movement {
  readonly productId: number;
  readonly kind: StockMovementKind;
  readonly deltaOnHand: number;
  readonly deltaAvailable: number;
  readonly reference?: string | null;
  readonly reason?: string | null;
}

/**
 * Moves a stock row that must exist: reserved follows as on-hand change minus available change.
 * Check constraints keep every figure at or above zero and on hand = available + reserved.
 */
export async function shiftStock(tx: InventoryTx, productId: number, deltaOnHand: number, deltaAvailable: number, now: Date): Promise<void> {
  const deltaReserved = deltaOnHand - deltaAvailable;
  const [result] = await tx
    .update(stock)
    .set({
      onHand: sql`${stock.onHand} + ${deltaOnHand}`,
      available: sql`${stock.available} + ${deltaAvailable}`,
      reserved: sql`${stock.reserved} + ${deltaReserved}`,
      updatedAt: now,
    })
    .where(eq(stock.productId, productId));
  if (result.affectedRows !== 1) throw new Error(`stock row of product ${productId} is missing`);
}

const insertLedgerRows = createRowInsert(stockLedger, ['productId', 'kind', 'deltaOnHand', 'deltaAvailable', 'reference', 'reason', 'actor', 'createdAt']);

export interface LockedStockRow {
  product_id: number;
  parent_product_id: number;
  on_hand: number;
  reserved: number;
  available: number;
  low_stock_threshold: number;
  updated_at: Date | string;
}

const lockStockRows =
  'select `product_id`, `parent_product_id`, `on_hand`, `reserved`, `available`, `low_stock_threshold`, `updated_at` from `stock` where `product_id` in (?) for update';

/** Locks (and reads) the stock rows of these products: the figures StockChanged events report. */
export function lockStockRowsStatement(productIds: readonly number[]): Statement {
  return { text: lockStockRows, values: [productIds] };
}

/**
 * The ledger rows of movements the transaction already applied, and one StockChanged event per product built from
 * the rows as they now stand (read by lockStockRowsStatement), as statements to send in the transaction's batch.
 * Resolves the rows by product id too.
 */
export function movementStatements(
  locked: readonly LockedStockRow[],
  movements: readonly Movement[],
  actor: string,
  now: Date,
): { statements: Statement[]; byProduct: Map<number, StockRow> } {
  const productIds = [...new Set(movements.map((movement) => movement.productId))];
  const byProduct = new Map<number, StockRow>(
    locked.map((row) => [
      Number(row.product_id),
      {
        productId: Number(row.product_id),
        parentProductId: Number(row.parent_product_id),
        onHand: row.on_hand,
        reserved: row.reserved,
        available: row.available,
        lowStockThreshold: row.low_stock_threshold,
        updatedAt: readDateTime(row.updated_at),
      },
    ]),
  );
  const ledger = insertLedgerRows.statement(
    movements.map((movement) => ({
      productId: movement.productId,
      kind: movement.kind,
      deltaOnHand: movement.deltaOnHand,
      deltaAvailable: movement.deltaAvailable,
      reference: movement.reference ?? null,
      reason: movement.reason ?? null,
      actor,
      createdAt: now,
    })),
  );
  const events = productIds.map((productId) => {
    const after = byProduct.get(productId);
    if (!after) throw new Error(`stock row of product ${productId} is missing`);
    const own = movements.filter((movement) => movement.productId === productId);
    const deltaOnHand = own.reduce((sum, movement) => sum + movement.deltaOnHand, 0);
    const deltaAvailable = own.reduce((sum, movement) => sum + movement.deltaAvailable, 0);
    return stockChangedEvent(figuresBefore(after, deltaOnHand, deltaAvailable), after, own[0]!.kind);
  });
  return { statements: [ledger, outboxStatement(outbox, events, now).statement], byProduct };
}

/**
 * Records movements the transaction already applied: their ledger rows and one StockChanged event per product,
 * built from the rows as they now stand (locked). Returns those rows by product id.
 */
export async function recordMovements(tx: SqlRunner, movements: readonly Movement[], actor: string, now: Date): Promise<Map<number, StockRow>> {
  const productIds = [...new Set(movements.map((movement) => movement.productId))];
  if (productIds.length === 0) return new Map();
  const lock = lockStockRowsStatement(productIds);
  const locked = await tx.run<LockedStockRow[]>(lock.text, lock.values);
  const { statements, byProduct } = movementStatements(locked, movements, actor, now);
  for (const { text, values } of statements) await tx.run(text, values);
  return byProduct;
}
