import { randomUUID } from 'node:crypto';
import type { Money } from '@rtc/service-kit';

export interface PaymentRequest {
  readonly orderId: string;
  readonly amount: Money;
  readonly token: string;
}

export type PaymentResult = { readonly approved: true; readonly paymentId: string } | { readonly approved: false; readonly reason: string };

/** Charges a customer's payment token; the seam where a real payment service plugs in. */
export interface PaymentProvider {
  charge(request: PaymentRequest): Promise<PaymentResult>;
  /** Gives back a captured payment, e.g. when the order was cancelled while it was being paid. */
  refund(paymentId: string): Promise<void>;
}

export interface RuleBasedPaymentOptions {
  /** Charges above this many minor units are declined. */
  readonly maxAmount: number;
}

export const declinedTokenPrefix = 'tok_decline';

/** Approves every charge except tokens starting with `tok_decline` and amounts over the limit. */
export function createRuleBasedPaymentProvider({ maxAmount }: RuleBasedPaymentOptions): PaymentProvider {
  return {
    async charge({ amount, token }) {
      if (token.startsWith(declinedTokenPrefix)) return { approved: false, reason: 'the card was declined' };
      if (amount.amount > maxAmount) return { approved: false, reason: `amounts over ${maxAmount} ${amount.currency} minor units need manual review` };
      return { approved: true, paymentId: `pay_${randomUUID()}` };
    },
    async refund() {},
  };
}
