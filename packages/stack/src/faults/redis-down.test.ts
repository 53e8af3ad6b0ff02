import { describe } from 'vitest';
import { faultTest, sleep } from './testing';

describe('fault: Redis stopped for 10 s under checkout', () => {
  faultTest(
    'Redis stopped 10 s at 12 orders/s with 20 subscribers: confirmed orders exist once, none unconfirmed, stock = ledger, no orphan reservation, one tick per order per subscriber (caught up after), all orders answered after, checkout p99 < 1 s, failures coded without internals',
    {},
    async ({ redis }) => {
      await redis.stop();
      await sleep(10_000);
      await redis.start();
    },
  );
});
