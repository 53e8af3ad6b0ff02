import type { OrderRow } from '../db/schema';

export type PaymentStatus = 'PENDING' | 'PAID' | 'REFUNDED' | 'VOIDED';

/** Where an order's payment stands, from its status and whether a payment was ever captured. */
export function paymentStatusOf(order: Pick<OrderRow, 'status' | 'paidAt'>): PaymentStatus {
  switch (order.status) {
    case 'PENDING':
      return 'PENDING';
    case 'CANCELLED':
      return order.paidAt ? 'REFUNDED' : 'VOIDED';
    default:
      return 'PAID';
  }
}
