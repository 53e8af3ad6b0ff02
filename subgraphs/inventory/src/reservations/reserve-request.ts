import { badInput } from '@rtc/service-kit';
import { MAX_UNITS_PER_CHANGE, requireProductId, requireUnits } from '../stock/stock-arguments';

export const DEFAULT_RESERVATION_TTL_SECONDS = 900;
export const MAX_RESERVATION_TTL_SECONDS = 86_400;
export const MAX_RESERVATION_LINES = 100;
export const MAX_RELEASE_BATCH = 500;

export interface ReserveStockInput {
  readonly reference: string;
  /** `variantId` omitted: the product's default variant, whose id is the product's. */
  readonly lines: readonly { readonly productId: string; readonly variantId?: string | null; readonly quantity: number }[];
  readonly ttlSeconds?: number | null;
}

/** Units of one stock row: `productId` is the variant's id (see the stock table), `parentProductId` its product's. */
export interface ReservedLine {
  readonly productId: number;
  readonly parentProductId?: number;
  readonly quantity: number;
}

/** A valid reserve call: one line per variant, in variant id order so concurrent reserves lock rows alike. */
export interface ReserveRequest {
  readonly reference: string;
  readonly lines: readonly ReservedLine[];
  readonly ttlSeconds: number;
}

export function toReserveRequest(input: ReserveStockInput, defaultTtlSeconds = DEFAULT_RESERVATION_TTL_SECONDS): ReserveRequest {
  if (input.reference.trim().length === 0 || input.reference.length > 100) {
    throw badInput('input.reference', 'must be 1 to 100 characters');
  }
  if (input.lines.length === 0) throw badInput('input.lines', 'must not be empty');
  const ttlSeconds = input.ttlSeconds ?? defaultTtlSeconds;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_RESERVATION_TTL_SECONDS) {
    throw badInput('input.ttlSeconds', `must be between 1 and ${MAX_RESERVATION_TTL_SECONDS}`);
  }
  const merged = new Map<number, { productId: number; parentProductId: number; quantity: number }>();
  input.lines.forEach((line, index) => {
    const parentProductId = requireProductId(`input.lines[${index}].productId`, line.productId);
    const variantId = line.variantId == null ? parentProductId : requireProductId(`input.lines[${index}].variantId`, line.variantId);
    const quantity = requireUnits(`input.lines[${index}].quantity`, line.quantity);
    merged.set(variantId, { productId: variantId, parentProductId, quantity: (merged.get(variantId)?.quantity ?? 0) + quantity });
  });
  if (merged.size > MAX_RESERVATION_LINES) throw badInput('input.lines', `must name at most ${MAX_RESERVATION_LINES} products`);
  for (const line of merged.values()) {
    if (line.quantity > MAX_UNITS_PER_CHANGE) {
      throw badInput('input.lines', `product ${line.productId}: at most ${MAX_UNITS_PER_CHANGE} units in all`);
    }
  }
  const lines = [...merged.values()].sort((a, b) => a.productId - b.productId);
  return { reference: input.reference, lines, ttlSeconds };
}

/** The references of a batch release: 1 to 500, each 1 to 100 characters. */
export function toReleaseBatch(references: readonly string[]): string[] {
  if (references.length === 0 || references.length > MAX_RELEASE_BATCH) throw badInput('references', `must name 1 to ${MAX_RELEASE_BATCH} references`);
  references.forEach((reference, index) => {
    if (reference.trim().length === 0 || reference.length > 100) throw badInput(`references[${index}]`, 'must be 1 to 100 characters');
  });
  return [...references];
}
