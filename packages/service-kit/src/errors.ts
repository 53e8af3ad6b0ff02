import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values that clients may switch on. */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  Forbidden: 'FORBIDDEN',
  Unauthenticated: 'UNAUTHENTICATED',
  OutOfStock: 'OUT_OF_STOCK',
  Conflict: 'CONFLICT',
  PaymentDeclined: 'PAYMENT_DECLINED',
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  CartEmpty: 'CART_EMPTY',
  ProductUnavailable: 'PRODUCT_UNAVAILABLE',
  InvalidTransition: 'INVALID_TRANSITION',
  RateLimited: 'RATE_LIMITED',
  ServerBusy: 'SERVER_BUSY',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badInput(argument: string, message: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, {
    extensions: { code: ErrorCode.BadUserInput, argumentName: argument },
  });
}

export function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: ErrorCode.NotFound } });
}

export function forbidden(message = 'You are not allowed to do this'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden } });
}

export function unauthenticated(message = 'Log in first'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Conflict } });
}

/** `variantIds`: the short variants of those products (a default variant's id is its product's), when known. */
export function outOfStock(productIds: readonly string[], variantIds?: readonly string[]): GraphQLError {
  return new GraphQLError(`Out of stock: ${productIds.join(', ')}`, {
    extensions: { code: ErrorCode.OutOfStock, productIds, ...(variantIds && { variantIds }) },
  });
}

export function paymentDeclined(reason: string): GraphQLError {
  return new GraphQLError(`Payment declined: ${reason}`, { extensions: { code: ErrorCode.PaymentDeclined } });
}

/** A client error like BAD_USER_INPUT: the key already stands for a request with another payload. */
export function idempotencyKeyReused(argument: string): GraphQLError {
  return new GraphQLError(`${argument}: already used for a request with a different payload; use a new key`, {
    extensions: { code: ErrorCode.IdempotencyKeyReused, argumentName: argument },
  });
}

/**
 * 429 with `Retry-After`. `retryAfterSeconds` also travels in the extensions, so the gateway can restore
 * the status and header of a refusal that a subgraph answered.
 */
export function rateLimited(retryAfterSeconds: number, message = 'Too many requests; retry later'): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.RateLimited, retryAfterSeconds, http: { status: 429, headers: retryAfter(retryAfterSeconds) } },
  });
}

/** 503 with `Retry-After`: the service is saturated (not this client's fault), e.g. every password-hashing slot is taken. */
export function serverBusy(retryAfterSeconds = 1): GraphQLError {
  return new GraphQLError('The service is busy; retry shortly', {
    extensions: { code: ErrorCode.ServerBusy, retryAfterSeconds, http: { status: 503, headers: retryAfter(retryAfterSeconds) } },
  });
}

export const serviceUnavailableMessage = 'A service this request needs is unavailable; retry shortly';

/**
 * A dependency (the database, another service, Redis where it is needed) is unreachable, failing or too slow.
 * The message never names it: no host, port, SQL or driver error reaches a client. The gateway answers 503 with
 * `Retry-After` when every part of a request failed this way.
 */
export function serviceUnavailable(retryAfterSeconds = 1): GraphQLError {
  return new GraphQLError(serviceUnavailableMessage, { extensions: { code: ErrorCode.ServiceUnavailable, retryAfterSeconds } });
}

/** serviceUnavailable() for a request that cannot start at all, e.g. its caller cannot be checked: 503 with `Retry-After`. */
export function serviceUnavailableRequest(retryAfterSeconds = 1): GraphQLError {
  return new GraphQLError(serviceUnavailableMessage, {
    extensions: { code: ErrorCode.ServiceUnavailable, retryAfterSeconds, http: { status: 503, headers: retryAfter(retryAfterSeconds) } },
  });
}

function retryAfter(seconds: number): HeaderMap {
  return new HeaderMap([['retry-after', String(seconds)]]);
}

export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof GraphQLError) return error.extensions['code'] as string | undefined;
  return undefined;
}
