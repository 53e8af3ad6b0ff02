import { describe, expect, it } from 'vitest';
import { createRuleBasedPaymentProvider } from './payment-provider';

const provider = createRuleBasedPaymentProvider({ maxAmount: 10_000 });
const request = (token: string, amount: number) => ({ orderId: '1', token, amount: { amount, currency: 'USD' } });

describe('rule-based payment provider', () => {
  it('approves an ordinary token with a fresh payment id each time', async () => {
    const first = await provider.charge(request('tok_visa', 500));
    const second = await provider.charge(request('tok_visa', 500));
    expect(first.approved && second.approved).toBe(true);
    if (first.approved && second.approved) expect(first.paymentId).not.toBe(second.paymentId);
  });

  it('declines tokens starting with tok_decline', async () => {
    expect(await provider.charge(request('tok_decline_insufficient_funds', 500))).toEqual({ approved: false, reason: 'the card was declined' });
  });

  it('declines amounts over the limit and accepts the limit itself', async () => {
    expect((await provider.charge(request('tok_visa', 10_001))).approved).toBe(false);
    expect((await provider.charge(request('tok_visa', 10_000))).approved).toBe(true);
  });
});
