import { and, eq, gte, sql } from 'drizzle-orm';
import { appendToOutbox, badInput, businessFailure, ErrorCode, retryTransaction, runnerOnDrizzle } from '@rtc/service-kit';
import type { InventoryDb, InventoryTx } from '../db/client';
import { outbox, stock, type StockRow } from '../db/schema';
import { requireDelta, requireProductId, requireReason, requireThreshold, requireUnits } from './stock-arguments';
import { stockChangedEvent } from './stock-changed';
import { recordMovements } from './stock-movements';

/** Which stock a staff change moves: a product's variant, its default variant (the product's id) when omitted. */
interface StockTarget {
  readonly productId: string;
  readonly variantId?: string | null;
}

/** Staff changes of stock; arguments arrive as GraphQL gave them and are checked here. */
export interface StockAdmin {
  restock(args: StockTarget & { quantity: number; reason: string }, actor: string): Promise<StockRow>;
  adjust(args: StockTarget & { delta: number; reason: string }, actor: string): Promise<StockRow>;
  /** Not a movement of units, so no ledger row; a StockChanged event when the threshold changes. */
  setLowStockThreshold(args: StockTarget & { threshold: number }): Promise<StockRow>;
}

/** The stock row's id (the variant's) and its product's; a variant stocked under another product is bad input. */
function stockTarget({ productId, variantId }: StockTarget): { id: number; parentProductId: number } {
  const parentProductId = requireProductId('input.productId', productId);
  const id = variantId == null ? parentProductId : requireProductId('input.variantId', variantId);
  return { id, parentProductId };
}

function checkParent(row: Pick<StockRow, 'productId' | 'parentProductId'>, parentProductId: number): void {
  if (row.parentProductId !== parentProductId) {
    throw badInput('input.variantId', `variant ${row.productId} is stocked under product ${row.parentProductId}, not ${parentProductId}`);
  }
}

export interface StockAdminOptions {
  readonly db: InventoryDb;
  readonly onEventsWritten: () => void;
  readonly now?: () => Date;
}

/** Adds units to on hand and available, creating the stock row of a variant inventory has never held. */
async function addUnits(tx: InventoryTx, productId: number, parentProductId: number, units: number, now: Date): Promise<void> {
  await tx
    .insert(stock)
    .values({ productId, parentProductId, onHand: units, reserved: 0, available: units, updatedAt: now })
    .onDuplicateKeyUpdate({
      set: { onHand: sql`${stock.onHand} + ${units}`, available: sql`${stock.available} + ${units}`, updatedAt: now },
    });
}

export function createStockAdmin({ db, onEventsWritten, now = () => new Date() }: StockAdminOptions): StockAdmin {
  const moveUnits = async (
    { id: productId, parentProductId }: { id: number; parentProductId: number },
    delta: number,
    kind: 'RESTOCK' | 'ADJUSTMENT',
    reason: string,
    actor: string,
  ): Promise<StockRow> => {
    const at = now();
    const row = await retryTransaction(() =>
      db.transaction(async (tx) => {
        if (delta > 0) {
          await addUnits(tx, productId, parentProductId, delta, at);
        } else {
          const [result] = await tx
            .update(stock)
            .set({ onHand: sql`${stock.onHand} + ${delta}`, available: sql`${stock.available} + ${delta}`, updatedAt: at })
            .where(and(eq(stock.productId, productId), gte(stock.available, -delta)));
          if (result.affectedRows === 0) {
            throw businessFailure(ErrorCode.OutOfStock, 'The change would take available stock below zero', {
              field: ['input', 'delta'],
              productIds: [String(productId)],
            });
          }
        }
        const rows = await recordMovements(runnerOnDrizzle(tx), [{ productId, kind, deltaOnHand: delta, deltaAvailable: delta, reason }], actor, at);
        const moved = rows.get(productId)!;
        // Rolls the whole change back: nothing moves under the wrong product.
        checkParent(moved, parentProductId);
        return moved;
      }),
    );
    onEventsWritten();
    return row;
  };

  return {
    restock({ quantity, reason, ...target }, actor) {
      const where = stockTarget(target);
      const units = requireUnits('input.quantity', quantity);
      return moveUnits(where, units, 'RESTOCK', requireReason('input.reason', reason), actor);
    },

    adjust({ delta, reason, ...target }, actor) {
      const where = stockTarget(target);
      const units = requireDelta('input.delta', delta);
      return moveUnits(where, units, 'ADJUSTMENT', requireReason('input.reason', reason), actor);
    },

    async setLowStockThreshold({ threshold, ...target }) {
      const { id, parentProductId } = stockTarget(target);
      const value = requireThreshold('input.threshold', threshold);
      const at = now();
      const { row, changed } = await retryTransaction(() =>
        db.transaction(async (tx) => {
          // Creates the zero row when missing and locks it either way.
          await tx
            .insert(stock)
            .values({ productId: id, parentProductId, updatedAt: at })
            .onDuplicateKeyUpdate({ set: { productId: sql`${stock.productId}` } });
          const [before] = await tx.select().from(stock).where(eq(stock.productId, id)).for('update');
          if (!before) throw new Error(`stock row of product ${id} is missing`);
          checkParent(before, parentProductId);
          if (before.lowStockThreshold === value) return { row: before, changed: false };
          const after: StockRow = { ...before, lowStockThreshold: value, updatedAt: at };
          await tx.update(stock).set({ lowStockThreshold: value, updatedAt: at }).where(eq(stock.productId, id));
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [stockChangedEvent(before, after, null)], at);
          return { row: after, changed: true };
        }),
      );
      if (changed) onEventsWritten();
      return row;
    },
  };
}
