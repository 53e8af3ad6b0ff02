import { ErrorCode, mutationPayload, type MutationPayload } from '@rtc/service-kit';
import type { OrderError } from '../__generated__/resolvers-types';
import type { OrderRow } from '../db/schema';

/**
 * The failures of the order mutations that are typed results (OrderErrorCode), whichever service raised them:
 * OUT_OF_STOCK comes from inventory. CART_EMPTY, PRODUCT_UNAVAILABLE and INVALID_TRANSITION are raised as
 * BusinessFailures here and need no entry.
 */
export const typedOrderFailures: ReadonlySet<string> = new Set([ErrorCode.OutOfStock, ErrorCode.PaymentDeclined, ErrorCode.IdempotencyKeyReused]);

/** `{ order, errors }` for an order mutation: a typed failure leaves order null and names itself in errors. */
export async function orderPayload(context: object, mutation: string, run: () => Promise<OrderRow>) {
  // Every typed code is one of OrderErrorCode's words.
  return (await mutationPayload('order', run, { typed: typedOrderFailures, context, mutation })) as MutationPayload<'order', OrderRow, OrderError>;
}

/** `{ <key>: result, errors }` for a cart mutation: a typed failure leaves the result null and names itself in errors. */
export async function cartPayload<K extends string, T>(context: object, mutation: string, key: K, run: () => Promise<T>) {
  return (await mutationPayload(key, run, { typed: typedOrderFailures, context, mutation })) as MutationPayload<K, T, OrderError>;
}
