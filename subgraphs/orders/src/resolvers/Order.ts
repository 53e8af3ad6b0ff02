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
  subtotal: (order) => ({ amount: order.subtotalAmount, currency: order.currency }),
  shippingTotal: (order) => ({ amount: order.shippingAmount, currency: order.currency }),
  taxTotal: (order) => ({ amount: order.taxAmount, currency: order.currency }),
  discountTotal: (order) => ({ amount: order.discountAmount, currency: order.currency }),
  shippingAddress: (order) => order.shippingAddress ?? null,
  paymentStatus: (order) => paymentStatusOf(order),
};
