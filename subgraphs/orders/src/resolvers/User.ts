import { emptyConnection, forbidden, isStaff, parseNumericId, requireCaller, withCount } from '@rtc/service-kit';
import type { UserResolvers } from '../__generated__/resolvers-types';
import { listOrders } from '../orders/order-pages';

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  orders: (user, { first, after }, { caller, db }) => {
    const known = requireCaller(caller);
    if (known.userId !== user.id && !isStaff(known)) throw forbidden("Only the user and staff see a user's orders");
    const userId = parseNumericId(user.id);
    if (userId === null) return withCount(emptyConnection(), () => Promise.resolve(0));
    return listOrders(db, { userId, first, after });
  },
};
