import { validateProductId } from '../checkout/order-input';
import { parseNumericId, requireCaller, requireStaff } from '@rtc/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { assertCanRead } from '../orders/order-access';
import { listOrders } from '../orders/order-pages';

export const Query: QueryResolvers = {
  cart: (_parent, { cartToken }, { caller, carts }) => carts.view({ caller, cartToken }),
  order: async (_parent, { id }, { caller, orderById }) => {
    const known = requireCaller(caller);
    const orderId = parseNumericId(id);
    const order = orderId === null ? null : await orderById.load(orderId);
    if (order) assertCanRead(known, order);
    return order;
  },
  orders: (_parent, { first, after, status }, { caller, db }) => {
    requireStaff(caller);
    return listOrders(db, { first, after, status });
  },
  salesSeries: (_parent, { from, to, bucket, currency }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.series(from, to, bucket, currency);
  },
  salesSummary: (_parent, { from, to, currency }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.summary(from, to, currency);
  },
  topProducts: (_parent, { from, to, limit, currency }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.topProducts(from, to, limit, currency);
  },
  topVariants: (_parent, { from, to, limit, currency, productId }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.topVariants(from, to, limit, currency, productId == null ? null : validateProductId(productId, 'productId'));
  },
  customerStats: (_parent, { from, to, limit, currency }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.customers(from, to, limit, currency);
  },
};
