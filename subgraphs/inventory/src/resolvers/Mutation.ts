import { requireAdmin, requireServiceCall, type Caller } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { toReleaseBatch } from '../reservations/reserve-request';

const staffActor = (caller: Caller) => `user:${caller.userId}`;
// Internal mutations carry no user; the ledger records that a service moved the stock.
const serviceActor = 'service';

export const Mutation: MutationResolvers = {
  restock: (_parent, args, { caller, stockAdmin }) => stockAdmin.restock(args, staffActor(requireAdmin(caller))),
  adjustStock: (_parent, args, { caller, stockAdmin }) => stockAdmin.adjust(args, staffActor(requireAdmin(caller))),
  setLowStockThreshold: (_parent, args, { caller, stockAdmin }) => {
    requireAdmin(caller);
    return stockAdmin.setLowStockThreshold(args);
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
