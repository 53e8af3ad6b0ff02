import type { StockLevelConnectionResolvers } from '../__generated__/resolvers-types';

export const StockLevelConnection: StockLevelConnectionResolvers = {
  totalCount: (page) => page.count(),
};
