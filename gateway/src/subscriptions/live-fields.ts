import { inventoryAlertFrom } from '@rtc/inventory/alerts';
import type { DomainEvent } from '@rtc/service-kit';

/** What one event means for one subscription: the entity to resolve and the payload's own fields. */
export interface LiveUpdate {
  readonly entityId: string;
  readonly fields: Record<string, unknown>;
}

/** An event-driven subscription field: which event feeds it, which entity it carries, who may follow it. */
export interface LiveFieldSpec {
  readonly field: string;
  readonly eventType: DomainEvent['type'];
  /** The payload field holding the entity, and the public query field that fetches it by id. */
  readonly entity: { readonly field: string; readonly queryField: string };
  readonly access: 'staff' | 'order-owner';
  /**
   * The payload's field listing the updates one message carries (each an item of the payload's own type): a
   * subscription with `coalesce: true` that falls behind gets its pending updates there, in one message.
   */
  readonly listField?: string;
  toUpdate(event: DomainEvent, args: Record<string, unknown>): LiveUpdate | null;
}

const salesTicks: LiveFieldSpec = {
  field: 'salesTicks',
  eventType: 'OrderPlaced',
  entity: { field: 'order', queryField: 'order' },
  access: 'staff',
  listField: 'ticks',
  toUpdate: (event) => ({ entityId: String(event.payload['orderId']), fields: { at: event.occurredAt } }),
};

const orderStatus: LiveFieldSpec = {
  field: 'orderStatus',
  eventType: 'OrderStatusChanged',
  entity: { field: 'order', queryField: 'order' },
  access: 'order-owner',
  toUpdate: (event, args) => {
    const orderId = String(event.payload['orderId']);
    if (orderId !== String(args['orderId'])) return null;
    return {
      entityId: orderId,
      fields: { status: event.payload['status'], previousStatus: event.payload['previousStatus'] ?? null, at: event.occurredAt },
    };
  },
};

const inventoryAlerts: LiveFieldSpec = {
  field: 'inventoryAlerts',
  eventType: 'StockChanged',
  entity: { field: 'product', queryField: 'product' },
  access: 'staff',
  toUpdate: (event) => {
    const alert = inventoryAlertFrom(event);
    if (!alert) return null;
    const { productId, ...fields } = alert;
    return { entityId: productId, fields };
  },
};

export const liveFieldSpecs: ReadonlyMap<string, LiveFieldSpec> = new Map([salesTicks, orderStatus, inventoryAlerts].map((spec) => [spec.field, spec]));
