import type { NewEvent } from '@rtc/service-kit';
import type { OrderRow, OrderStatus } from '../db/schema';

interface EventLine {
  readonly productId: number;
  readonly variantId: number;
  readonly quantity: number;
  readonly lineAmount: number;
}

const common = (order: OrderRow, lines: readonly EventLine[]) => ({
  orderId: String(order.id),
  userId: String(order.userId),
  total: { amount: order.totalAmount, currency: order.currency },
  units: order.itemCount,
  placedAt: order.placedAt.toISOString(),
  lines: lines.map((line) => ({
    productId: String(line.productId),
    variantId: String(line.variantId),
    quantity: line.quantity,
    lineTotal: { amount: line.lineAmount, currency: order.currency },
  })),
});

export type OrderPlacedPayload = ReturnType<typeof common>;
export type OrderStatusChangedPayload = OrderPlacedPayload & { status: OrderStatus; previousStatus: OrderStatus };

/** Keys and the few facts live views need: the gateway resolves everything else through the graph. */
export function orderPlacedEvent(order: OrderRow, lines: readonly EventLine[]): NewEvent<OrderPlacedPayload> {
  return { type: 'OrderPlaced', aggregateType: 'Order', aggregateId: String(order.id), payload: common(order, lines) };
}

export function orderStatusChangedEvent(order: OrderRow, previousStatus: OrderStatus, lines: readonly EventLine[]): NewEvent<OrderStatusChangedPayload> {
  return {
    type: 'OrderStatusChanged',
    aggregateType: 'Order',
    aggregateId: String(order.id),
    payload: { ...common(order, lines), status: order.status, previousStatus },
  };
}
