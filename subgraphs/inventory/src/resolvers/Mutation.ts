import { requireAdmin, requireServiceCall, type Caller } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { toReleaseBatch } from '../reservations/reserve-request';
import { stockPayload } from '../stock/stock-errors';

const staffActor = (caller: Caller) => `user:${caller.userId}`;
// Internal mutations carry no user; the ledger records that a service moved the stock.
const serviceActor = 'service';

export const Mutation: MutationResolvers = {
  restock: (_parent, { input }, context) => {
    const actor = staffActor(requireAdmin(context.caller));
    return stockPayload(context, 'restock', () => context.stockAdmin.restock(input, actor));
  },
  adjustStock: (_parent, { input }, context) => {
    const actor = staffActor(requireAdmin(context.caller));
    return stockPayload(context, 'adjustStock', () => context.stockAdmin.adjust(input, actor));
  },
  setLowStockThreshold: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return stockPayload(context, 'setLowStockThreshold', () => context.stockAdmin.setLowStockThreshold(input));
  },
  reserveStock: (_parent, { input }, { caller, reservations }) => {
    requireServiceCall(caller, 'reserveStock');
    return reservations.reserve(input, serviceActor);
  },
  commitReservation: (_parent, { reference }, { caller, reservations }) => {
    requireServiceCall(caller, 'commitReservation');
    return reservations.commit(reference, serviceActor);
  },
  releaseReservation: (_parent, { reference, reason }, { caller, reservations }) => {
    requireServiceCall(caller, 'releaseReservation');
    return reservations.release(reference, reason, serviceActor);
  },
  releaseReservations: (_parent, { references, reason }, { caller, reservations }) => {
    requireServiceCall(caller, 'releaseReservations');
    return reservations.releaseMany(toReleaseBatch(references), reason, serviceActor, { barUnknown: reason === 'FAILED' });
  },
};
