import { describe, expect, it } from 'vitest';
import { reservationReference } from './reservation-reference';

describe('reservation reference', () => {
  it('is the same for the same user and key, and differs otherwise', () => {
    expect(reservationReference(7, 'checkout-1')).toBe(reservationReference(7, 'checkout-1'));
    expect(reservationReference(7, 'checkout-1')).not.toBe(reservationReference(8, 'checkout-1'));
    expect(reservationReference(7, 'checkout-1')).not.toBe(reservationReference(7, 'checkout-2'));
  });

  it('fits inventory references (at most 100 characters) for the largest ids and keys', () => {
    const reference = reservationReference(Number.MAX_SAFE_INTEGER, 'ü'.repeat(64));
    expect(reference).toMatch(/^order-9007199254740991-[0-9a-f]{32}$/);
    expect(reference.length).toBeLessThanOrEqual(64);
  });
});
