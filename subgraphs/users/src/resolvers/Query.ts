import { isStaff } from '@rtc/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  me: (_parent, _args, { caller, userById }) => (caller ? userById.load(Number(caller.userId)) : null),
  user: (_parent, { id }, { caller, userById }) => {
    if (!isStaff(caller) && caller?.userId !== id) return null;
    return /^\d+$/.test(id) ? userById.load(Number(id)) : null;
  },
  accountStandings: (_parent, { userIds }, { accountAdmin, caller }) => accountAdmin.standings(caller, userIds),
};
