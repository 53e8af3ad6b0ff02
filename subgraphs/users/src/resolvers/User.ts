import { forbidden, isStaff, requireAdmin, requireCaller } from '@rtc/service-kit';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  __resolveReference: (reference, { userById }) => (/^\d+$/.test(reference.id) ? userById.load(Number(reference.id)) : null),
  id: (user) => String(user.id),
  email: (user, _args, { caller }) => (user.viewedBySelf || isStaff(caller) || caller?.userId === String(user.id) ? user.email : null),
  disabledAt: (user, _args, { caller }) => {
    requireAdmin(caller);
    return user.disabledAt;
  },
  addresses: (user, _args, { addressBook, caller }) => {
    const known = requireCaller(caller);
    if (known.userId !== String(user.id) && known.role !== 'ADMIN') throw forbidden('Only the account itself and admins see its addresses');
    return addressBook.list(user.id);
  },
};
