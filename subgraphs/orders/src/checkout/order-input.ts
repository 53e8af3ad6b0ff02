import { badInput, parseNumericId } from '@rtc/service-kit';

export const maxLineQuantity = 100;
export const maxOrderLines = 50;
export const maxIdempotencyKeyLength = 64;

export interface RequestedLine {
  readonly productId: number;
  readonly quantity: number;
}

export interface LineInput {
  readonly productId: string;
  readonly quantity: number;
}

export function validateIdempotencyKey(key: string, argument = 'input.idempotencyKey'): string {
  if (key.trim().length === 0) throw badInput(argument, 'must not be empty');
  if (key.length > maxIdempotencyKeyLength) throw badInput(argument, `must be at most ${maxIdempotencyKeyLength} characters`);
  return key;
}

export function validateQuantity(quantity: number, argument: string, { allowZero = false } = {}): number {
  const min = allowZero ? 0 : 1;
  if (!Number.isInteger(quantity) || quantity < min || quantity > maxLineQuantity) {
    throw badInput(argument, `must be between ${min} and ${maxLineQuantity}`);
  }
  return quantity;
}

/** A product id given by a client; malformed ids name no product. */
export function validateProductId(id: string, argument = 'productId'): number {
  const parsed = parseNumericId(id);
  if (parsed === null) throw badInput(argument, `unknown product ${JSON.stringify(id)}`);
  return parsed;
}

/**
 * Checks each line and merges lines naming the same product, keeping first-seen order.
 * Throws BAD_USER_INPUT naming the offending line; an empty list is an empty order.
 */
export function normalizeLines(lines: readonly LineInput[], argument = 'input.lines'): RequestedLine[] {
  if (lines.length === 0) throw badInput(argument, 'an order needs at least one line');
  if (lines.length > maxOrderLines) throw badInput(argument, `an order has at most ${maxOrderLines} lines`);
  const merged = new Map<number, number>();
  lines.forEach((line, index) => {
    const productId = validateProductId(line.productId, `${argument}[${index}].productId`);
    const quantity = validateQuantity(line.quantity, `${argument}[${index}].quantity`);
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  });
  for (const [productId, quantity] of merged) {
    if (quantity > maxLineQuantity) {
      throw badInput(argument, `product ${productId} adds up to ${quantity} units, at most ${maxLineQuantity}`);
    }
  }
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}
