import { and, eq, gte, sql } from 'drizzle-orm';
import { appendToOutbox, businessFailure, ErrorCode, retryTransaction, runnerOnDrizzle } from '@rtc/service-kit';
import type { InventoryDb, InventoryTx } from '../db/client';
import { outbox, stock, type StockRow } from '../db/schema';
import { requireDelta, requireProductId, requireReason, requireThreshold, requireUnits } from './stock-arguments';
import { stockChangedEvent } from './stock-changed';
import { recordMovements } from './stock-movements';

/** Staff changes of stock; arguments arrive as GraphQL gave them and are checked here. */
export interface StockAdmin {
  restock(args: { productId: string; quantity: number; reason: string }, actor: string): Promise<StockRow>;
  adjust(args: { productId: string; delta: number; reason: string }, actor: string): Promise<StockRow>;
  /** Not a movement of units, so no ledger row; a StockChanged event when the threshold changes. */
  setLowStockThreshold(args: { productId: string; threshold: number }): Promise<StockRow>;
}

export interface StockAdminOptions {
  readonly db: InventoryDb;
  readonly onEventsWritten: () => void;
  readonly now?: () => Date;
}

/** Adds units to on hand and available, creating the stock row of a product inventory has never held. */
async function addUnits(tx: InventoryTx, productId: number, units: number, now: Date): Promise<void> {
  await tx
    .insert(stock)
    .values({ productId, onHand: units, reserved: 0, available: units, updatedAt: now })
    .onDuplicateKeyUpdate({
      set: { onHand: sql`${stock.onHand} + ${units}`, available: sql`${stock.available} + ${units}`, updatedAt: now },
    });
}

export function createStockAdmin({ db, onEventsWritten, now = () => new Date() }: StockAdminOptions): StockAdmin {
  const moveUnits = async (productId: number, delta: number, kind: 'RESTOCK' | 'ADJUSTMENT', reason: string, actor: string): Promise<StockRow> => {
    const at = now();
    const row = await retryTransaction(() =>
      db.transaction(async (tx) => {
        if (delta > 0) {
          await addUnits(tx, productId, delta, at);
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
        return rows.get(productId)!;
      }),
    );
    onEventsWritten();
    return row;
  };

  return {
    restock({ productId, quantity, reason }, actor) {
      const id = requireProductId('input.productId', productId);
      const units = requireUnits('input.quantity', quantity);
      return moveUnits(id, units, 'RESTOCK', requireReason('input.reason', reason), actor);
    },

    adjust({ productId, delta, reason }, actor) {
      const id = requireProductId('input.productId', productId);
      const units = requireDelta('input.delta', delta);
      return moveUnits(id, units, 'ADJUSTMENT', requireReason('input.reason', reason), actor);
    },

    async setLowStockThreshold({ productId, threshold }) {
      const id = requireProductId('input.productId', productId);
      const value = requireThreshold('input.threshold', threshold);
      const at = now();
      const { row, changed } = await retryTransaction(() =>
        db.transaction(async (tx) => {
          // Creates the zero row when missing and locks it either way.
          await tx
            .insert(stock)
            .values({ productId: id, updatedAt: at })
            .onDuplicateKeyUpdate({ set: { productId: sql`${stock.productId}` } });
          const [before] = await tx.select().from(stock).where(eq(stock.productId, id)).for('update');
          if (!before) throw new Error(`stock row of product ${id} is missing`);
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
