import { parseNumericId } from '@rtc/service-kit';
import type { ProductResolvers } from '../__generated__/resolvers-types';
import { productStockOf } from '../stock/stock-level';

export const Product: ProductResolvers = {
  // A product's stock is the sum of its variants' (only its default variant's when it has no options).
  __resolveReference: async ({ id }, { stockByParentProduct }) => {
    const productId = parseNumericId(id);
    if (productId === null) return null;
    return { id, stock: productStockOf(productId, await stockByParentProduct.load(productId)) };
  },
  stock: (product) => product.stock,
  inStock: (product) => product.stock.available > 0,
};
