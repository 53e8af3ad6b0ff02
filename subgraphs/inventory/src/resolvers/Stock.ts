import { requireStaff } from '@rtc/service-kit';
import type { StockResolvers } from '../__generated__/resolvers-types';
import { stockStatusOf } from '../stock/stock-level';

// Warehouse figures tell competitors and scalpers too much; customers and visitors see what can be sold.
export const Stock: StockResolvers = {
  onHand: (stock, _args, { caller }) => {
    requireStaff(caller);
    return stock.onHand;
  },
  reserved: (stock, _args, { caller }) => {
    requireStaff(caller);
    return stock.reserved;
  },
  lowStockThreshold: (stock, _args, { caller }) => {
    requireStaff(caller);
    return stock.lowStockThreshold;
  },
  status: (stock) => stockStatusOf(stock.available, stock.lowStockThreshold),
};
