import type { ReservationLineResolvers, ReservationResolvers } from '../__generated__/resolvers-types';

export const Reservation: ReservationResolvers = {
  id: (reservation) => String(reservation.id),
  lines: (reservation) => [...reservation.lines],
};

export const ReservationLine: ReservationLineResolvers = {
  productId: (line) => String(line.productId),
};
