import { badInput, parseNumericId, refuseControlCharacters } from '@rtc/service-kit';

/** Most units one call may move; keeps a typo from stocking millions. */
export const MAX_UNITS_PER_CHANGE = 100_000;

export function requireProductId(argument: string, id: string): number {
  const productId = parseNumericId(id);
  if (productId === null || productId === 0) throw badInput(argument, `"${id}" is not a product id`);
  return productId;
}

export function requireUnits(argument: string, quantity: number): number {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_UNITS_PER_CHANGE) {
    throw badInput(argument, `must be between 1 and ${MAX_UNITS_PER_CHANGE}`);
  }
  return quantity;
}

export function requireDelta(argument: string, delta: number): number {
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > MAX_UNITS_PER_CHANGE) {
    throw badInput(argument, `must be non-zero and at most ${MAX_UNITS_PER_CHANGE} either way`);
  }
  return delta;
}

export function requireThreshold(argument: string, threshold: number): number {
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > MAX_UNITS_PER_CHANGE) {
    throw badInput(argument, `must be between 0 and ${MAX_UNITS_PER_CHANGE}`);
  }
  return threshold;
}

export function requireReason(argument: string, reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > 255) throw badInput(argument, 'must be 1 to 255 characters');
  return refuseControlCharacters(argument, trimmed);
}
