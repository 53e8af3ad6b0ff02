import type { ProductConnectionResolvers } from '../__generated__/resolvers-types';

export const ProductConnection: ProductConnectionResolvers = {
  totalCount: (page, _args, { products }) => products.count(page.listing),
  facets: (page, _args, { products }) => products.facets(page.listing),
};
