import type { StockResolvers } from '../__generated__/resolvers-types';
import { stockStatusOf } from '../stock/stock-level';

export const Stock: StockResolvers = {
  status: (stock) => stockStatusOf(stock.available, stock.lowStockThreshold),
};
