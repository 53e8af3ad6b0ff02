import { createHash } from 'node:crypto';
import type { PostalAddress } from '@rtc/service-kit';
import type { RequestedLine } from './order-input';

/**
 * A digest of what a checkout asks for, stored with its order: the same idempotency key with another payload is a
 * client bug or a replay, never a retry. Lines are compared merged and in product (then variant) order, so [A, B] and [B, A] match.
 */
export function orderFingerprint(lines: readonly RequestedLine[] | null, shippingAddress: PostalAddress | null = null): string {
  // null: the caller's cart, whatever it holds when the first attempt reads it.
  const canonical =
    lines === null
      ? 'cart'
      : [...lines]
          .sort((a, b) => a.productId - b.productId || a.variantId - b.variantId)
          // A default variant's line reads as it did before variants, so retries across the upgrade still match.
          .map((line) => (line.variantId === line.productId ? `${line.productId}x${line.quantity}` : `${line.productId}:${line.variantId}x${line.quantity}`))
          .join(',');
  // The address only when given, so orders without one keep the fingerprints they always had.
  const shipTo = shippingAddress === null ? '' : `|ship:${JSON.stringify(Object.entries(shippingAddress).sort(([a], [b]) => a.localeCompare(b)))}`;
  return createHash('sha256')
    .update(canonical + shipTo, 'utf8')
    .digest('hex');
}
