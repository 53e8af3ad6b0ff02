import { describe, expect } from 'vitest';
import type { ProcessExit } from '../service-processes';
import { faultTest, sleep } from './testing';

// The shutdown deadline of every RTC service (registerShutdown's hard timeout).
const shutdownDeadlineMs = 10_000;

describe('fault: SIGTERM to one gateway replica of two while subscribers are attached', () => {
  let exit: ProcessExit | null = null;
  let exitedAfterMs = 0;
  let firstCloseCodes: (number | undefined)[] = [];
  faultTest(
    'gateway replica SIGTERM (one of two) with 20 subscribers attached at 12 orders/s: exits 0 inside the deadline, sockets closed 1001, confirmed orders exist once, none unconfirmed, stock = ledger, no orphan reservation, one tick per order per subscriber (resumed on the other replica), all orders answered, checkout p99 < 1 s, failures coded without internals',
    { gatewayReplicas: 2 },
    async ({ services, subscribers }) => {
      const victim = services.gateways[0]!;
      const attached = subscribers.filter((subscriber) => subscriber.firstGateway === victim.url);
      const started = Date.now();
      victim.signal('SIGTERM');
      exit = await Promise.race([victim.exited(), sleep(2 * shutdownDeadlineMs).then(() => null)]);
      exitedAfterMs = Date.now() - started;
      if (!exit) await victim.kill();
      firstCloseCodes = attached.map((subscriber) => subscriber.client.closeCodes[0]);
      // The store runs on the other replica for the rest of the fault's 10 s.
      await sleep(Math.max(0, 10_000 - exitedAfterMs));
    },
    () => {
      expect.soft(exit, 'the replica exited with code 0').toEqual({ code: 0, signal: null });
      expect.soft(exitedAfterMs, 'the replica exited inside the shutdown deadline').toBeLessThan(shutdownDeadlineMs);
      expect.soft(firstCloseCodes.length, 'subscribers were attached to the replica').toBeGreaterThan(0);
      expect.soft(firstCloseCodes, 'every subscriber of the replica was closed with 1001 (going away)').toEqual(firstCloseCodes.map(() => 1001));
    },
  );
});
