import { describe } from 'vitest';
import { faultTest, sleep } from './testing';

describe('fault: catalog frozen (SIGSTOP) for 10 s under checkout', () => {
  faultTest({ fault: 'catalog frozen (SIGSTOP) for 10 s' }, {}, async ({ services }) => {
    services.processes.catalog.signal('SIGSTOP');
    try {
      await sleep(10_000);
    } finally {
      services.processes.catalog.signal('SIGCONT');
    }
  });
});
