import { describe, expect } from 'vitest';
import { faultTest, killMidCheckout, type MidCheckoutKill } from './testing';

describe('fault: orders killed (SIGKILL) between a reservation and its order, and restarted', () => {
  let killed: MidCheckoutKill | undefined;
  faultTest(
    { fault: 'orders kill -9 between a reservation and its order, then restarted', extraChecks: ['the kill cut a checkout after its reservation'] },
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
