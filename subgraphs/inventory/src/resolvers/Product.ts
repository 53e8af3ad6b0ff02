import { parseNumericId } from '@rtc/service-kit';
import type { ProductResolvers } from '../__generated__/resolvers-types';
import { noStock } from '../stock/stock-level';

export const Product: ProductResolvers = {
  __resolveReference: async ({ id }, { stockByProductId }) => {
    const productId = parseNumericId(id);
    if (productId === null) return null;
    return { id, stock: (await stockByProductId.load(productId)) ?? noStock(productId) };
  },
  stock: (product) => product.stock,
  inStock: (product) => product.stock.available > 0,
};
