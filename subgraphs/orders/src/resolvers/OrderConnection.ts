import type { OrderConnectionResolvers } from '../__generated__/resolvers-types';

export const OrderConnection: OrderConnectionResolvers = {
  totalCount: (page) => page.count(),
};
