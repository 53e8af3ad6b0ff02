/** Units a product keeps by default before it counts as low on stock. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 10;

export const stockStatuses = ['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK'] as const;
export type StockStatus = (typeof stockStatuses)[number];

/** The numbers of one product's stock; on hand = available + reserved. */
export interface StockFigures {
  readonly productId: number;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly lowStockThreshold: number;
}

/** A product as this subgraph resolves it: its key and its stock. */
export interface ProductStock {
  readonly id: string;
  readonly stock: StockFigures;
}

/** Low: some units left, at or under the threshold; out: none left. */
export function stockStatusOf(available: number, lowStockThreshold: number): StockStatus {
  if (available <= 0) return 'OUT_OF_STOCK';
  return available <= lowStockThreshold ? 'LOW_STOCK' : 'IN_STOCK';
}

/** A product inventory never stocked: nothing on hand, the default threshold. */
export function noStock(productId: number): StockFigures {
  return { productId, onHand: 0, reserved: 0, available: 0, lowStockThreshold: DEFAULT_LOW_STOCK_THRESHOLD };
}
