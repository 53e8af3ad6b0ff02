import type { StockMovementConnectionResolvers } from '../__generated__/resolvers-types';

export const StockMovementConnection: StockMovementConnectionResolvers = {
  totalCount: (page) => page.count(),
};
