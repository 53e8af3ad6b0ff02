import type { OrderLineResolvers } from '../__generated__/resolvers-types';
import { productReference, variantReference } from '../orders/references';

export const OrderLine: OrderLineResolvers = {
  product: (line) => productReference(line.productId),
  variant: (line) => variantReference(line.variantId),
  unitPrice: (line) => ({ amount: line.unitAmount, currency: line.currency }),
  lineTotal: (line) => ({ amount: line.lineAmount, currency: line.currency }),
};
