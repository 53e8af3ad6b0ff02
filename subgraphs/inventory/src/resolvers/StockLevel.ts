import type { StockLevelResolvers } from '../__generated__/resolvers-types';
import { productStockOf } from '../stock/stock-level';

// Levels are listed per variant: the product carries the sum of its variants, the variant its own row.
export const StockLevel: StockLevelResolvers = {
  product: async (stock, _args, { stockByParentProduct }) => {
    const productId = stock.parentProductId ?? stock.productId;
    return { id: String(productId), stock: productStockOf(productId, await stockByParentProduct.load(productId)) };
  },
  variant: (stock) => ({ id: String(stock.productId), stock }),
  stock: (stock) => stock,
};
