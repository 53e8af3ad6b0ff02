import { describe, expect } from 'vitest';
import { faultTest, killMidCheckout } from './testing';

describe('fault: orders killed (SIGKILL) mid-checkout and restarted', () => {
  let killed: Awaited<ReturnType<typeof killMidCheckout>> | undefined;
  faultTest(
    'orders kill -9 mid-checkout then restarted, at 12 orders/s with 20 subscribers: confirmed orders exist once, none unconfirmed, stock = ledger, no orphan reservation (released within a minute), one tick per order per subscriber, all orders answered after, checkout p99 < 1 s, failures coded without internals',
    {},
    async (run) => {
      killed = await killMidCheckout(run, 'orders');
    },
    () => {
      expect.soft(killed?.exit.signal, 'orders died of SIGKILL').toBe('SIGKILL');
      expect.soft(killed?.inFlight, 'checkouts were in flight when orders died').toBeGreaterThan(0);
      expect.soft(killed?.reservedWithoutOrder, 'the kill cut a checkout between its reservation and its order').toBeGreaterThan(0);
    },
  );
});
