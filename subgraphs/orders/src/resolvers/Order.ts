import { parseNumericId, requireCaller } from '@rtc/service-kit';
import type { OrderResolvers } from '../__generated__/resolvers-types';
import { assertCanRead, orderNumber } from '../orders/order-access';
import { paymentStatusOf } from '../orders/payment-status';
import { userReference } from '../orders/references';

export const Order: OrderResolvers = {
  __resolveReference: async (reference, { caller, orderById }) => {
    const known = requireCaller(caller);
    const id = parseNumericId(reference.id);
    const order = id === null ? null : await orderById.load(id);
    if (order) assertCanRead(known, order);
    return order;
  },
  id: (order) => String(order.id),
  number: (order) => orderNumber(order.id),
  user: (order) => userReference(order.userId),
  lines: async (order, _args, { linesByOrderId }) => (await linesByOrderId.load(order.id)).map((line) => ({ ...line, currency: order.currency })),
  total: (order) => ({ amount: order.totalAmount, currency: order.currency }),
  paymentStatus: (order) => paymentStatusOf(order),
};
