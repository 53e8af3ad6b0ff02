import { businessFailure, ErrorCode } from '@rtc/service-kit';
import { orderStatuses, type OrderStatus } from '../db/schema';

const next: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['PAID', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
};

/** PENDING -> PAID -> SHIPPED -> DELIVERED, and PENDING|PAID -> CANCELLED; nothing else. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return next[from].includes(to);
}

/** Throws INVALID_TRANSITION, a typed failure of the order mutations, unless the order may move from `from` to `to`. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw businessFailure(ErrorCode.InvalidTransition, `An order cannot go from ${from} to ${to}`);
}

/** The timestamp column a transition into `to` sets. */
export function timestampOf(to: OrderStatus): 'paidAt' | 'shippedAt' | 'deliveredAt' | 'cancelledAt' | null {
  switch (to) {
    case 'PAID':
      return 'paidAt';
    case 'SHIPPED':
      return 'shippedAt';
    case 'DELIVERED':
      return 'deliveredAt';
    case 'CANCELLED':
      return 'cancelledAt';
    case 'PENDING':
      return null;
  }
}

export { orderStatuses };
