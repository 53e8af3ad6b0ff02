import { describe, expect, it } from 'vitest';
import { paymentStatusOf } from './payment-status';

const paidAt = new Date('2026-03-01T10:00:00Z');

describe('payment status', () => {
  it('is pending until the order is paid', () => {
    expect(paymentStatusOf({ status: 'PENDING', paidAt: null })).toBe('PENDING');
  });

  it('stays paid while the order ships and is delivered', () => {
    for (const status of ['PAID', 'SHIPPED', 'DELIVERED'] as const) expect(paymentStatusOf({ status, paidAt })).toBe('PAID');
  });

  it('tells a refunded cancellation from a voided one', () => {
    expect(paymentStatusOf({ status: 'CANCELLED', paidAt })).toBe('REFUNDED');
    expect(paymentStatusOf({ status: 'CANCELLED', paidAt: null })).toBe('VOIDED');
  });
});
