import { z } from 'zod';
import type { NewEvent } from '@rtc/service-kit';
import type { StockMovementKind } from '../db/schema';
import { stockStatuses, stockStatusOf, type StockFigures } from './stock-level';

/** What a `StockChanged` event carries: enough to raise an inventory alert without asking inventory back. */
export const stockChangedPayload = z.object({
  /** The product whose variant's stock changed. */
  productId: z.string(),
  /** The variant whose stock changed; the product's id for its default variant (absent in events written before variants). */
  variantId: z.string().optional(),
  available: z.number().int(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  lowStockThreshold: z.number().int(),
  previousAvailable: z.number().int(),
  status: z.enum(stockStatuses),
  previousStatus: z.enum(stockStatuses),
  /** The movement that changed the stock; null when only the threshold changed. */
  movement: z.string().nullable(),
});

export type StockChangedPayload = z.infer<typeof stockChangedPayload>;

export function stockChangedEvent(before: StockFigures, after: StockFigures, movement: StockMovementKind | null): NewEvent<StockChangedPayload> {
  const variantId = String(after.productId);
  return {
    type: 'StockChanged',
    aggregateType: 'Stock',
    aggregateId: variantId,
    payload: {
      productId: String(after.parentProductId ?? after.productId),
      variantId,
      available: after.available,
      onHand: after.onHand,
      reserved: after.reserved,
      lowStockThreshold: after.lowStockThreshold,
      previousAvailable: before.available,
      status: stockStatusOf(after.available, after.lowStockThreshold),
      previousStatus: stockStatusOf(before.available, before.lowStockThreshold),
      movement,
    },
  };
}

/** The figures before a movement, from those after it: reserved units move by the on-hand change minus the available one. */
export function figuresBefore(after: StockFigures, deltaOnHand: number, deltaAvailable: number): StockFigures {
  return {
    ...after,
    onHand: after.onHand - deltaOnHand,
    available: after.available - deltaAvailable,
    reserved: after.reserved - (deltaOnHand - deltaAvailable),
  };
}
