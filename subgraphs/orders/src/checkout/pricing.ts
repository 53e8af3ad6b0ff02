import { GraphQLError } from 'graphql';
import { businessFailure, ErrorCode } from '@rtc/service-kit';
import type { CatalogProduct } from '../clients/catalog';
import type { RequestedLine } from './order-input';

export interface PricedLine {
  readonly productId: number;
  readonly variantId: number;
  readonly quantity: number;
  readonly unitAmount: number;
  readonly lineAmount: number;
}

export interface PricedOrder {
  readonly currency: string;
  readonly totalAmount: number;
  readonly itemCount: number;
  readonly lines: readonly PricedLine[];
}

// Money.amount is a SafeInt. Today's bounds (50 lines, 100 units, 32-bit unit prices) stay far below it.
export const maxOrderTotal = Number.MAX_SAFE_INTEGER;

function unavailable(argument: string, productIds: readonly number[]): GraphQLError {
  const ids = productIds.map(String);
  return businessFailure(ErrorCode.ProductUnavailable, `${argument}: unknown or inactive products: ${ids.join(', ')}`, {
    field: argument.split('.'),
    productIds: ids,
  });
}

function notItsVariant(argument: string, lines: readonly RequestedLine[]): GraphQLError {
  const pairs = lines.map((line) => `${line.variantId} of ${line.productId}`);
  return new GraphQLError(`${argument}: not a variant of the product named beside it: ${pairs.join(', ')}`, {
    extensions: { code: ErrorCode.BadUserInput, argumentName: argument, variantIds: lines.map((line) => String(line.variantId)) },
  });
}

/**
 * Prices lines at the catalog's current variant prices (`variants` keyed by variant id); unknown, inactive or
 * variants are PRODUCT_UNAVAILABLE; mixed currencies, and a variant named under another product, are bad input.
 */
export function priceLines(lines: readonly RequestedLine[], variants: ReadonlyMap<string, CatalogProduct | null>, argument = 'input.lines'): PricedOrder {
  const missing = lines.filter((line) => !variants.get(String(line.variantId))?.active).map((line) => line.productId);
  if (missing.length > 0) throw unavailable(argument, [...new Set(missing)]);
  const strangers = lines.filter((line) => variants.get(String(line.variantId))!.productId !== String(line.productId));
  if (strangers.length > 0) throw notItsVariant(argument, strangers);
  const priced = lines.map((line) => {
    const { price } = variants.get(String(line.variantId))!;
    return { ...line, currency: price.currency, unitAmount: price.amount, lineAmount: price.amount * line.quantity };
  });
  const currency = priced[0]!.currency;
  const foreign = priced.filter((line) => line.currency !== currency);
  if (foreign.length > 0) {
    throw new GraphQLError(`${argument}: one order takes one currency; ${foreign.map((l) => l.productId).join(', ')} are not priced in ${currency}`, {
      extensions: { code: ErrorCode.BadUserInput, argumentName: argument },
    });
  }
  const totalAmount = priced.reduce((sum, line) => sum + line.lineAmount, 0);
  if (!Number.isSafeInteger(totalAmount) || totalAmount > maxOrderTotal) {
    throw new GraphQLError(`${argument}: the order total may be at most ${maxOrderTotal} minor units`, {
      extensions: { code: ErrorCode.BadUserInput, argumentName: argument },
    });
  }
  return {
    currency,
    totalAmount,
    itemCount: priced.reduce((sum, line) => sum + line.quantity, 0),
    lines: priced.map(({ productId, variantId, quantity, unitAmount, lineAmount }) => ({ productId, variantId, quantity, unitAmount, lineAmount })),
  };
}
