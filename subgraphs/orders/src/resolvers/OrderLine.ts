import type { OrderLineResolvers } from '../__generated__/resolvers-types';
import { productReference } from '../orders/references';

export const OrderLine: OrderLineResolvers = {
  product: (line) => productReference(line.productId),
  unitPrice: (line) => ({ amount: line.unitAmount, currency: line.currency }),
  lineTotal: (line) => ({ amount: line.lineAmount, currency: line.currency }),
};
