import { GraphQLError } from 'graphql';
import { ErrorCode, parseNumericId } from '@rtc/service-kit';
import type { BehaviourEventKind } from '../db/schema';

export const maxEventsPerBatch = 100;
/** How far ahead of the server's clock an event may be stamped: storefront clocks drift. */
export const maxClockSkewMs = 60_000;
/** How old an event may be: a storefront that was offline longer than this drops its backlog. */
export const maxEventAgeMs = 24 * 3_600_000;
export const maxQuantity = 1_000;
export const maxSearchQueryLength = 200;
export const maxPathLength = 512;
/** A cart worth more than this many minor units is a client bug, not a cart. */
export const maxCartAmount = 1_000_000_000_000;

/** One event as the mutation receives it (the generated input type, loosened to what validation reads). */
export interface BehaviourEventArgs {
  readonly eventId: string;
  readonly kind: BehaviourEventKind;
  readonly sessionId: string;
  readonly occurredAt: Date;
  readonly productId?: string | null | undefined;
  readonly quantity?: number | null | undefined;
  readonly searchQuery?: string | null | undefined;
  readonly cartValue?: { readonly amount: number; readonly currency: string } | null | undefined;
  readonly path?: string | null | undefined;
}

/** An event that passed validation, in the form it is stored. */
export interface ValidEvent {
  readonly eventId: string;
  readonly kind: BehaviourEventKind;
  readonly sessionId: string;
  readonly occurredAt: Date;
  readonly productId: number | null;
  readonly quantity: number | null;
  readonly searchQuery: string | null;
  readonly cartAmount: number | null;
  readonly cartCurrency: string | null;
  readonly path: string | null;
}

/** The code of a batch refused for an event's occurredAt; see EventRejection. */
export const occurredAtOutOfRange = 'OCCURRED_AT_OUT_OF_RANGE';

export type RejectionReason = 'batch_size' | 'identifier' | 'timestamp' | 'product' | 'quantity' | 'search_query' | 'cart_value' | 'path';

/**
 * BAD_USER_INPUT naming the event's index and field, except an occurredAt outside the accepted window:
 * OCCURRED_AT_OUT_OF_RANGE, a typed failure of trackEvents (the client drops such events, they never become
 * acceptable). `reason` labels rtc_activity_events_rejected_total.
 */
export class EventRejection extends GraphQLError {
  constructor(
    readonly reason: RejectionReason,
    argument: string,
    message: string,
    index?: number,
  ) {
    super(`${argument}: ${message}`, {
      extensions: {
        code: reason === 'timestamp' ? occurredAtOutOfRange : ErrorCode.BadUserInput,
        argumentName: argument,
        ...(index === undefined ? {} : { index }),
      },
    });
  }
}

// Ids are opaque but printable: no spaces, no control characters, nothing a log or dashboard would render oddly.
const opaqueId = /^[\x21-\x7e]{8,64}$/;
const currencyCode = /^[A-Z]{3}$/;
const controlOrBidi = /\p{Cc}|[\u202A-\u202E\u2066-\u2069]/u;

const needsProduct: ReadonlySet<BehaviourEventKind> = new Set(['PRODUCT_VIEWED', 'ADDED_TO_CART']);
const carriesCartValue: ReadonlySet<BehaviourEventKind> = new Set(['ADDED_TO_CART', 'CHECKOUT_STARTED']);

function validateEvent(event: BehaviourEventArgs, index: number, now: number): ValidEvent {
  const at = (field: string) => `input.events[${index}].${field}`;
  const reject = (reason: RejectionReason, field: string, message: string) => new EventRejection(reason, at(field), message, index);
  if (!opaqueId.test(event.eventId)) throw reject('identifier', 'eventId', 'must be 8 to 64 printable characters without spaces');
  if (!opaqueId.test(event.sessionId)) throw reject('identifier', 'sessionId', 'must be 8 to 64 printable characters without spaces');
  const occurredAt = event.occurredAt.getTime();
  if (occurredAt > now + maxClockSkewMs) throw reject('timestamp', 'occurredAt', 'must not be in the future');
  if (occurredAt < now - maxEventAgeMs) throw reject('timestamp', 'occurredAt', 'must be within the last 24 hours');

  let productId: number | null = null;
  if (needsProduct.has(event.kind)) {
    if (event.productId == null) throw reject('product', 'productId', `is required for ${event.kind}`);
    productId = parseNumericId(event.productId);
    if (productId === null) throw reject('product', 'productId', 'must be a product id');
  } else if (event.productId != null) throw reject('product', 'productId', `is not allowed for ${event.kind}`);

  let quantity: number | null = null;
  if (event.kind === 'ADDED_TO_CART') {
    if (event.quantity == null) throw reject('quantity', 'quantity', 'is required for ADDED_TO_CART');
    if (event.quantity < 1 || event.quantity > maxQuantity) throw reject('quantity', 'quantity', `must be between 1 and ${maxQuantity}`);
    quantity = event.quantity;
  } else if (event.quantity != null) throw reject('quantity', 'quantity', `is not allowed for ${event.kind}`);

  let searchQuery: string | null = null;
  if (event.kind === 'SEARCHED') {
    const text = event.searchQuery?.trim() ?? '';
    if (text.length === 0) throw reject('search_query', 'searchQuery', 'is required for SEARCHED');
    if (text.length > maxSearchQueryLength) throw reject('search_query', 'searchQuery', `must be at most ${maxSearchQueryLength} characters`);
    if (controlOrBidi.test(text)) throw reject('search_query', 'searchQuery', 'must not contain control characters');
    searchQuery = text;
  } else if (event.searchQuery != null) throw reject('search_query', 'searchQuery', `is not allowed for ${event.kind}`);

  const cart = event.cartValue ?? null;
  if (cart) {
    if (!carriesCartValue.has(event.kind)) throw reject('cart_value', 'cartValue', `is not allowed for ${event.kind}`);
    if (!Number.isSafeInteger(cart.amount) || cart.amount < 0 || cart.amount > maxCartAmount) {
      throw reject('cart_value', 'cartValue.amount', `must be an integer of minor units between 0 and ${maxCartAmount}`);
    }
    if (!currencyCode.test(cart.currency)) throw reject('cart_value', 'cartValue.currency', 'must be an ISO 4217 code such as USD');
  }

  const path = event.path ?? null;
  if (path !== null) {
    if (path.length > maxPathLength) throw reject('path', 'path', `must be at most ${maxPathLength} characters`);
    if (controlOrBidi.test(path)) throw reject('path', 'path', 'must not contain control characters');
  }

  return {
    eventId: event.eventId,
    kind: event.kind,
    sessionId: event.sessionId,
    occurredAt: event.occurredAt,
    productId,
    quantity,
    searchQuery,
    cartAmount: cart?.amount ?? null,
    cartCurrency: cart?.currency ?? null,
    path,
  };
}

/** Checks a whole batch before anything is written: the first bad event refuses the batch, naming its index. */
export function validateEvents(events: readonly BehaviourEventArgs[], now = Date.now()): ValidEvent[] {
  if (events.length < 1 || events.length > maxEventsPerBatch) {
    throw new EventRejection('batch_size', 'input.events', `must hold 1 to ${maxEventsPerBatch} events, got ${events.length}`);
  }
  return events.map((event, index) => validateEvent(event, index, now));
}
