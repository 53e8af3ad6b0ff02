import { createHash } from 'node:crypto';

/**
 * The inventory reservation of one checkout attempt: the same user and idempotency key always give the same
 * reference, so retries and concurrent duplicates share one reservation.
 */
export function reservationReference(userId: number, idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 32);
  return `order-${userId}-${digest}`;
}
