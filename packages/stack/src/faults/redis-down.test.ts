import { describe } from 'vitest';
import { faultTest, sleep } from './testing';

describe('fault: Redis stopped for 10 s under checkout', () => {
  faultTest({ fault: 'Redis stopped for 10 s' }, {}, async ({ redis }) => {
    await redis.stop();
    await sleep(10_000);
    await redis.start();
  });
});
