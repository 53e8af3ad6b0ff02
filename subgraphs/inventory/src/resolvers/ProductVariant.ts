import { parseNumericId } from '@rtc/service-kit';
import type { ProductVariantResolvers } from '../__generated__/resolvers-types';
import { noStock } from '../stock/stock-level';

export const ProductVariant: ProductVariantResolvers = {
  // A variant's stock is its own row; a product's default variant's row carries the product's id.
  __resolveReference: async ({ id }, { stockByProductId }) => {
    const variantId = parseNumericId(id);
    if (variantId === null) return null;
    return { id, stock: (await stockByProductId.load(variantId)) ?? noStock(variantId) };
  },
  stock: (variant) => variant.stock,
  inStock: (variant) => variant.stock.available > 0,
};
