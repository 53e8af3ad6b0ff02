import { requireStaff } from '@rtc/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  liveVisitors: (_parent, _args, { caller, live }) => {
    requireStaff(caller);
    return live.visitors();
  },
  liveFunnel: (_parent, { windowSeconds }, { caller, live }) => {
    requireStaff(caller);
    return live.funnel(windowSeconds);
  },
  funnel: (_parent, { from, to }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.funnel(from, to);
  },
  cartAbandonment: (_parent, { from, to, limit }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.cartAbandonment(from, to, limit);
  },
  customerRetention: (_parent, { from, to }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.customerRetention(from, to);
  },
  dailyOrderStats: (_parent, { from, to }, { caller, analytics }) => {
    requireStaff(caller);
    return analytics.dailyOrderStats(from, to);
  },
};
