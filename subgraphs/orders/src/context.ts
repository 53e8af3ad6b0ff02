import type DataLoader from 'dataloader';
import type { BaseContext } from '@rtc/service-kit';
import type { SalesAnalytics } from './analytics/sales-analytics';
import type { Carts } from './carts/carts';
import type { Checkout } from './checkout/place-order';
import type { OrdersDb } from './db/client';
import type { OrderLineRow, OrderRow } from './db/schema';
import type { OrderLifecycle } from './lifecycle/order-lifecycle';

export interface OrdersContext extends BaseContext {
  readonly db: OrdersDb;
  readonly checkout: Checkout;
  readonly lifecycle: OrderLifecycle;
  readonly carts: Carts;
  readonly analytics: SalesAnalytics;
  readonly orderById: DataLoader<number, OrderRow | null>;
  readonly linesByOrderId: DataLoader<number, OrderLineRow[]>;
}
