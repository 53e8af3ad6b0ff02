import { describe, expect, it } from 'vitest';
import { reservationReference } from './reservation-reference';

const payload = 'a'.repeat(64);
const otherPayload = 'b'.repeat(64);

describe('reservation reference', () => {
  it('is the same for the same user, key and payload, and differs otherwise', () => {
    expect(reservationReference(7, 'checkout-1', payload)).toBe(reservationReference(7, 'checkout-1', payload));
    expect(reservationReference(7, 'checkout-1', payload)).not.toBe(reservationReference(8, 'checkout-1', payload));
    expect(reservationReference(7, 'checkout-1', payload)).not.toBe(reservationReference(7, 'checkout-2', payload));
    expect(reservationReference(7, 'checkout-1', payload)).not.toBe(reservationReference(7, 'checkout-1', otherPayload));
  });

  it('fits inventory references (at most 100 characters) for the largest ids and keys', () => {
    const reference = reservationReference(Number.MAX_SAFE_INTEGER, 'ü'.repeat(64), payload);
    expect(reference).toMatch(/^order-9007199254740991-[0-9a-f]{32}$/);
    expect(reference.length).toBeLessThanOrEqual(64);
  });
});
