import { parseNumericId } from '@rtc/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  products: (_parent, args, { products }) => products.list(args),
  product: (_parent, { id }, { productById }) => {
    const productId = parseNumericId(id);
    return productId === null ? null : productById.load(productId);
  },
  productBySku: (_parent, { sku }, { products }) => products.bySku(sku),
  categories: (_parent, _args, { categories }) => categories.list(),
};
