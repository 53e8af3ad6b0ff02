export interface ProductSales {
  readonly productId: string;
  readonly name: string;
  readonly units: number;
  /** Minor units of the store currency. */
  readonly revenue: number;
  readonly orders: number;
}

export interface SoldLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly lineTotal: number;
}

// Enough products below the shown ones that a newly popular product can climb in before the next snapshot.
const KEPT = 100;

/** The API's ranking: units, then revenue, then id. */
export function rankProducts(products: readonly ProductSales[]): ProductSales[] {
  return products
    .slice()
    .sort((a, b) => b.units - a.units || b.revenue - a.revenue || a.productId.localeCompare(b.productId, 'en', { numeric: true }))
    .slice(0, KEPT);
}

/** Counts one order's lines into the ranking; lines naming the same product count as one order of it. */
export function addOrderLines(ranking: readonly ProductSales[], lines: readonly SoldLine[]): ProductSales[] {
  const byId = new Map(ranking.map((product) => [product.productId, product]));
  const seenInOrder = new Set<string>();
  for (const line of lines) {
    const known = byId.get(line.productId) ?? { productId: line.productId, name: line.name, units: 0, revenue: 0, orders: 0 };
    const firstLineOfProduct = !seenInOrder.has(line.productId);
    seenInOrder.add(line.productId);
    byId.set(line.productId, {
      ...known,
      units: known.units + line.quantity,
      revenue: known.revenue + line.lineTotal,
      orders: known.orders + (firstLineOfProduct ? 1 : 0),
    });
  }
  return rankProducts([...byId.values()]);
}
