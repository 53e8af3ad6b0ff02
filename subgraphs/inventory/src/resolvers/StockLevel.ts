import type { StockLevelResolvers } from '../__generated__/resolvers-types';

// Levels are listed per variant: the product carries the sum of its variants, the variant its own row.
export const StockLevel: StockLevelResolvers = {
  product: (level) => ({ id: String(level.parentProductId), stock: level.productStock }),
  variant: (level) => ({ id: String(level.productId), stock: level }),
  stock: (level) => level,
};
