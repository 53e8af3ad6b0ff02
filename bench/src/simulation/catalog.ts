import type { OperationResult, RunOperation } from './gateway-client';
import { bestSellers, productsPage, type BestSellersData, type ProductsPageData } from './operations';
import type { BrowsableProduct } from './browsing-session';
import type { Random } from './random';

const PAGE_SIZE = 100;
const BEST_SELLER_DAYS = 30;

/**
 * Products in the order of how popular the simulation makes them: the store's best sellers first, as they
 * already sell, then the rest in a random order. A Zipf law over this order then decides what shoppers pick.
 */
export function rankByPopularity(productIds: readonly string[], bestSellerIds: readonly string[], random: Random): string[] {
  const onSale = new Set(productIds);
  const leaders = [...new Set(bestSellerIds)].filter((id) => onSale.has(id));
  const leading = new Set(leaders);
  return [...leaders, ...random.shuffle(productIds.filter((id) => !leading.has(id)))];
}

/**
 * Reads up to `limit` products on sale through the catalog query, and the best sellers as an admin sees them;
 * returns them most popular first, with their unit prices.
 */
export async function loadProductsByPopularity(
  run: RunOperation,
  adminToken: string,
  limit: number,
  random: Random,
  now = Date.now(),
): Promise<BrowsableProduct[]> {
  const productIds: string[] = [];
  const priceOf = new Map<string, { amount: number; currency: string }>();
  let after: string | null = null;
  while (productIds.length < limit) {
    const page: OperationResult<ProductsPageData> = await run<ProductsPageData>(
      productsPage,
      { first: Math.min(PAGE_SIZE, limit - productIds.length), after },
      adminToken,
    );
    if (!page.ok) throw new Error(`reading the catalog failed: ${page.error.code} ${page.error.message}`);
    for (const { node } of page.data.products.edges) {
      productIds.push(node.id);
      priceOf.set(node.id, node.price);
    }
    if (!page.data.products.pageInfo.hasNextPage) break;
    after = page.data.products.pageInfo.endCursor;
  }
  const best = await run<BestSellersData>(
    bestSellers,
    { from: new Date(now - BEST_SELLER_DAYS * 86_400_000).toISOString(), to: new Date(now).toISOString() },
    adminToken,
  );
  // Without sales history (a fresh store) popularity is simply random.
  const bestSellerIds = best.ok ? best.data.topProducts.map((row) => row.product.id) : [];
  return rankByPopularity(productIds, bestSellerIds, random).map((id) => ({ id, price: priceOf.get(id)!.amount, currency: priceOf.get(id)!.currency }));
}
