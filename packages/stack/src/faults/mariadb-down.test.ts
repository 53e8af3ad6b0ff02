import { describe } from 'vitest';
import { faultTest, sleep } from './testing';

describe('fault: MariaDB stopped for 10 s under checkout', () => {
  faultTest(
    'MariaDB stopped 10 s at 12 orders/s with 20 subscribers: confirmed orders exist once, none unconfirmed, stock = ledger, no orphan reservation, one tick per order per subscriber, all orders answered after, checkout p99 < 1 s, failures coded without internals',
    {},
    async ({ mariadb }) => {
      await mariadb.stop();
      await sleep(10_000);
      await mariadb.start();
    },
  );
});
