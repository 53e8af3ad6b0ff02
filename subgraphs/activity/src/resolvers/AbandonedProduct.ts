import type { AbandonedProductResolvers } from '../__generated__/resolvers-types';

export const AbandonedProduct: AbandonedProductResolvers = {
  product: ({ productId }) => ({ __typename: 'Product', id: productId }),
};
