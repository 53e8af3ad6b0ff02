import { describe, expect } from 'vitest';
import { faultTest, killMidCheckout, type MidCheckoutKill } from './testing';

describe('fault: inventory killed (SIGKILL) mid-checkout and restarted', () => {
  let killed: MidCheckoutKill | undefined;
  faultTest(
    { fault: 'inventory kill -9 mid-checkout, then restarted', extraChecks: ['killed with checkouts in flight'] },
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
