import { describe } from 'vitest';
import { faultTest, sleep } from './testing';

describe('fault: catalog frozen (SIGSTOP) for 10 s under checkout', () => {
  faultTest(
    'catalog frozen 10 s at 12 orders/s with 20 subscribers: confirmed orders exist once, none unconfirmed, stock = ledger, no orphan reservation, one tick per order per subscriber, all orders answered after, checkout p99 < 1 s (fails fast), failures coded without internals',
    {},
    async ({ services }) => {
      services.processes.catalog.signal('SIGSTOP');
      try {
        await sleep(10_000);
      } finally {
        services.processes.catalog.signal('SIGCONT');
      }
    },
  );
});
