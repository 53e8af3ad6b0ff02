import type { DomainEvent } from '@rtc/service-kit';
import { stockChangedPayload } from './stock-changed';
import type { StockStatus } from './stock-level';

export type InventoryAlertKind = 'LOW_STOCK' | 'OUT_OF_STOCK' | 'BACK_IN_STOCK';

/** One live inventory alert, as the gateway pushes it to `inventoryAlerts` subscribers. */
export interface InventoryAlert {
  readonly productId: string;
  /** The variant whose stock crossed the line; the product's id for its default variant. */
  readonly variantId: string;
  readonly kind: InventoryAlertKind;
  readonly available: number;
  readonly threshold: number;
  readonly at: Date;
}

/**
 * Which alert a change of stock status raises, if any: selling out, dropping to the low-stock band from above,
 * or coming back from zero. Moving within a band, or recovering from low to in stock, raises none.
 */
export function inventoryAlertKind(previousStatus: StockStatus, status: StockStatus): InventoryAlertKind | null {
  if (previousStatus === status) return null;
  if (status === 'OUT_OF_STOCK') return 'OUT_OF_STOCK';
  if (previousStatus === 'OUT_OF_STOCK') return 'BACK_IN_STOCK';
  return status === 'LOW_STOCK' ? 'LOW_STOCK' : null;
}

/** The alert a bus event raises: null for other events, malformed payloads and changes that cross no line. */
export function inventoryAlertFrom(event: DomainEvent): InventoryAlert | null {
  if (event.type !== 'StockChanged') return null;
  const parsed = stockChangedPayload.safeParse(event.payload);
  if (!parsed.success) return null;
  const change = parsed.data;
  const kind = inventoryAlertKind(change.previousStatus, change.status);
  if (!kind) return null;
  return {
    productId: change.productId,
    variantId: change.variantId ?? change.productId,
    kind,
    available: change.available,
    threshold: change.lowStockThreshold,
    at: new Date(event.occurredAt),
  };
}
