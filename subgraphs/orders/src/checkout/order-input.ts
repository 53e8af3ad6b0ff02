import { badInput, parseNumericId } from '@rtc/service-kit';

export const maxLineQuantity = 100;
export const maxOrderLines = 50;
export const maxIdempotencyKeyLength = 64;

/** One variant wanted; `variantId` equals `productId` for the product's default variant. */
export interface RequestedLine {
  readonly productId: number;
  readonly variantId: number;
  readonly quantity: number;
}

export interface LineInput {
  readonly productId: string;
  /** Omitted: the product's default variant, whose id is the product's. */
  readonly variantId?: string | null;
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

/** A variant id given by a client; omitted means the product's default variant, which carries the product's id. */
export function validateVariantId(productId: number, id: string | null | undefined, argument = 'variantId'): number {
  if (id === null || id === undefined) return productId;
  const parsed = parseNumericId(id);
  if (parsed === null) throw badInput(argument, `unknown variant ${JSON.stringify(id)}`);
  return parsed;
}

/**
 * Checks each line and merges lines naming the same variant, keeping first-seen order.
 * Throws BAD_USER_INPUT naming the offending line; an empty list is an empty order.
 */
export function normalizeLines(lines: readonly LineInput[], argument = 'input.lines'): RequestedLine[] {
  if (lines.length === 0) throw badInput(argument, 'an order needs at least one line');
  if (lines.length > maxOrderLines) throw badInput(argument, `an order has at most ${maxOrderLines} lines`);
  const merged = new Map<number, RequestedLine>();
  lines.forEach((line, index) => {
    const productId = validateProductId(line.productId, `${argument}[${index}].productId`);
    const variantId = validateVariantId(productId, line.variantId, `${argument}[${index}].variantId`);
    const quantity = validateQuantity(line.quantity, `${argument}[${index}].quantity`);
    const known = merged.get(variantId);
    // A variant belongs to one product: the same variant under two products is a mistake whichever is right.
    if (known && known.productId !== productId)
      throw badInput(`${argument}[${index}].variantId`, `variant ${variantId} is not a variant of product ${productId}`);
    merged.set(variantId, { productId, variantId, quantity: (known?.quantity ?? 0) + quantity });
  });
  for (const line of merged.values()) {
    if (line.quantity > maxLineQuantity) {
      const what = line.variantId === line.productId ? `product ${line.productId}` : `variant ${line.variantId}`;
      throw badInput(argument, `${what} adds up to ${line.quantity} units, at most ${maxLineQuantity}`);
    }
  }
  return [...merged.values()];
}
