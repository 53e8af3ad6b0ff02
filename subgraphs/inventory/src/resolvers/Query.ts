import { requireStaff } from '@rtc/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  lowStock: (_parent, page, { caller, stockReports }) => {
    requireStaff(caller);
    return stockReports.lowStock(page);
  },
  stockLedger: (_parent, { productId, ...page }, { caller, stockReports }) => {
    requireStaff(caller);
    return stockReports.movements(productId, page);
  },
};
