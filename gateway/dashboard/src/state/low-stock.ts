export type StockStatus = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK';
export type InventoryAlertKind = 'LOW_STOCK' | 'OUT_OF_STOCK' | 'BACK_IN_STOCK';

export interface LowStockItem {
  readonly productId: string;
  readonly name: string;
  readonly available: number;
  readonly threshold: number;
  readonly status: StockStatus;
}

export interface InventoryAlert {
  readonly kind: InventoryAlertKind;
  readonly productId: string;
  readonly name: string;
  readonly available: number;
  readonly threshold: number;
  /** Epoch milliseconds. */
  readonly at: number;
}

export const statusOf = (available: number, threshold: number): StockStatus =>
  available === 0 ? 'OUT_OF_STOCK' : available <= threshold ? 'LOW_STOCK' : 'IN_STOCK';

/** The API's order: fewest available first, then by id. */
function sortLowStock(items: readonly LowStockItem[]): LowStockItem[] {
  return items.slice().sort((a, b) => a.available - b.available || a.productId.localeCompare(b.productId, 'en', { numeric: true }));
}

/** Brings the list up to date with an alert: a product low or out joins it, one back over its threshold leaves. */
export function applyInventoryAlert(items: readonly LowStockItem[], alert: InventoryAlert): LowStockItem[] {
  const others = items.filter((item) => item.productId !== alert.productId);
  const status = statusOf(alert.available, alert.threshold);
  if (status === 'IN_STOCK') return others;
  return sortLowStock([...others, { productId: alert.productId, name: alert.name, available: alert.available, threshold: alert.threshold, status }]);
}

/** Newest alert first, at most `keep`. */
export function rememberAlert(alerts: readonly InventoryAlert[], alert: InventoryAlert, keep = 6): InventoryAlert[] {
  return [alert, ...alerts].slice(0, keep);
}
