import { createHash } from 'node:crypto';

/**
 * The inventory reservation of one checkout attempt: the same user, idempotency key and payload always give the same
 * reference, so retries and concurrent duplicates share one reservation, while a concurrent attempt with the same key
 * and another payload holds its own stock, never the lines of the other.
 */
export function reservationReference(userId: number, idempotencyKey: string, fingerprint: string): string {
  const digest = createHash('sha256').update(`${fingerprint}:${idempotencyKey}`, 'utf8').digest('hex').slice(0, 32);
  return `order-${userId}-${digest}`;
}
