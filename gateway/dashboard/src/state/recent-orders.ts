/** Where an order's payment stands, as the API's `Order.paymentStatus` says. */
export type PaymentStatus = 'PENDING' | 'PAID' | 'REFUNDED' | 'VOIDED';

export interface RecentOrder {
  readonly id: string;
  readonly number: string;
  readonly customer: string;
  /** e.g. "Desk Lamp ×2, Mug" */
  readonly items: string;
  readonly itemCount: number;
  readonly total: number;
  readonly currency: string;
  /** Epoch milliseconds. */
  readonly placedAt: number;
  readonly paymentStatus: PaymentStatus;
}

/** How the feed names each payment status. */
export const paymentStatusLabels: Readonly<Record<PaymentStatus, string>> = {
  PENDING: 'Unpaid',
  PAID: 'Paid',
  REFUNDED: 'Refunded',
  VOIDED: 'Voided',
};

/** Newest first, one row per order (the latest word on it: a payment status moves on), at most `keep` rows. */
export function addRecentOrders(feed: readonly RecentOrder[], orders: readonly RecentOrder[], keep = 20): RecentOrder[] {
  const byId = new Map(feed.map((order) => [order.id, order]));
  for (const order of orders) {
    const known = byId.get(order.id);
    // A payment only moves forward: a late tick resolved before the payment does not take a row back to unpaid.
    const settled = known && known.paymentStatus !== 'PENDING' && order.paymentStatus === 'PENDING';
    byId.set(order.id, settled ? { ...order, paymentStatus: known.paymentStatus } : order);
  }
  return [...byId.values()].sort((a, b) => b.placedAt - a.placedAt || Number(b.id) - Number(a.id)).slice(0, keep);
}

/** A short description of what was bought: the first lines by name, then how many more. */
export function describeItems(lines: readonly { readonly name: string; readonly quantity: number }[], shown = 2): string {
  const named = lines.slice(0, shown).map(({ name, quantity }) => (quantity > 1 ? `${name} ×${quantity}` : name));
  const more = lines.length - shown;
  return more > 0 ? `${named.join(', ')} +${more} more` : named.join(', ');
}
