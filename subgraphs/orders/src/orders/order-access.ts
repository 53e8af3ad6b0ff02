import { forbidden, isStaff, type Caller } from '@rtc/service-kit';
import type { OrderRow } from '../db/schema';

export const isOwner = (caller: Caller, order: Pick<OrderRow, 'userId'>) => caller.userId === String(order.userId);

/** Customers read their own orders; staff read every order. */
export function assertCanRead(caller: Caller, order: Pick<OrderRow, 'userId'>): void {
  if (!isOwner(caller, order) && !isStaff(caller)) throw forbidden('This order belongs to another customer');
}

/** Customers change their own orders; admins change every order. */
export function assertCanChange(caller: Caller, order: Pick<OrderRow, 'userId'>): void {
  if (!isOwner(caller, order) && caller.role !== 'ADMIN') throw forbidden('This order belongs to another customer');
}

/** The human-readable order number. */
export const orderNumber = (id: number) => `RTC-${String(id).padStart(6, '0')}`;
