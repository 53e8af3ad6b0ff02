import { describe, expect } from 'vitest';
import { faultTest, killMidCheckout } from './testing';

describe('fault: inventory killed (SIGKILL) mid-checkout and restarted', () => {
  let killed: Awaited<ReturnType<typeof killMidCheckout>> | undefined;
  faultTest(
    'inventory kill -9 mid-checkout then restarted, at 12 orders/s with 20 subscribers: confirmed orders exist once, none unconfirmed, stock = ledger, no orphan reservation (released within a minute), one tick per order per subscriber, all orders answered after, checkout p99 < 1 s, failures coded without internals',
    {},
    async (run) => {
      killed = await killMidCheckout(run, 'inventory');
    },
    () => {
      expect.soft(killed?.exit.signal, 'inventory died of SIGKILL').toBe('SIGKILL');
      expect.soft(killed?.inFlight, 'checkouts were in flight when inventory died').toBeGreaterThan(0);
    },
  );
});
