import type { StockLevelResolvers } from '../__generated__/resolvers-types';

export const StockLevel: StockLevelResolvers = {
  product: (stock) => ({ id: String(stock.productId), stock }),
  stock: (stock) => stock,
};
