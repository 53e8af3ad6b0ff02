import { describe } from 'vitest';
import { faultTest, sleep } from './testing';

describe('fault: MariaDB stopped for 10 s under checkout', () => {
  faultTest({ fault: 'MariaDB stopped for 10 s' }, {}, async ({ mariadb }) => {
    await mariadb.stop();
    await sleep(10_000);
    await mariadb.start();
  });
});
