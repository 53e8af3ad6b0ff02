/** Units a product keeps by default before it counts as low on stock. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 10;

export const stockStatuses = ['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK'] as const;
export type StockStatus = (typeof stockStatuses)[number];

/**
 * The numbers of one variant's stock (or a product's, summed over its variants); on hand = available + reserved.
 * `productId` is the variant's id (the product's for its default variant), `parentProductId` its product's.
 */
export interface StockFigures {
  readonly productId: number;
  readonly parentProductId?: number;
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

/** A product or variant inventory never stocked: nothing on hand, the default threshold. */
export function noStock(productId: number): StockFigures {
  return { productId, onHand: 0, reserved: 0, available: 0, lowStockThreshold: DEFAULT_LOW_STOCK_THRESHOLD };
}

/**
 * A product's stock: the sum of its variants' figures, thresholds included (each size warns at its own level, the
 * product when the sizes together run low). A product with only its default variant gets that variant's figures.
 */
export function productStockOf(productId: number, variants: readonly StockFigures[]): StockFigures {
  if (variants.length === 0) return noStock(productId);
  const sum = (pick: (figures: StockFigures) => number) => variants.reduce((total, figures) => total + pick(figures), 0);
  return {
    productId,
    parentProductId: productId,
    onHand: sum((figures) => figures.onHand),
    reserved: sum((figures) => figures.reserved),
    available: sum((figures) => figures.available),
    lowStockThreshold: sum((figures) => figures.lowStockThreshold),
  };
}
