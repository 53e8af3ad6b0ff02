import { describe, expect } from 'vitest';
import type { ProcessExit } from '../service-processes';
import { faultTest, sleep } from './testing';

// Well inside the shutdown grace period: sockets closed and a few checkouts finished take far less.
const exitWithinMs = 10_000;

describe('fault: SIGTERM to one gateway replica of two while subscribers are attached', () => {
  let exit: ProcessExit | null = null;
  let exitedAfterMs = 0;
  let firstCloseCodes: (number | undefined)[] = [];
  faultTest(
    {
      fault: 'SIGTERM to one gateway replica of two with subscribers attached',
      extraChecks: ['the replica exits 0 within 10 s', 'its sockets close with 1001'],
    },
    { gatewayReplicas: 2 },
    async ({ services, subscribers }) => {
      const victim = services.gateways[0]!;
      const attached = subscribers.filter((subscriber) => subscriber.firstGateway === victim.url);
      const started = Date.now();
      victim.signal('SIGTERM');
      exit = await Promise.race([victim.exited(), sleep(2 * exitWithinMs).then(() => null)]);
      exitedAfterMs = Date.now() - started;
      if (!exit) await victim.kill();
      firstCloseCodes = attached.map((subscriber) => subscriber.client.closeCodes[0]);
      // The store runs on the other replica for the rest of the fault's 10 s.
      await sleep(Math.max(0, 10_000 - exitedAfterMs));
    },
    () => {
      expect.soft(exit, 'the replica exited with code 0').toEqual({ code: 0, signal: null });
      expect.soft(exitedAfterMs, 'the replica exited well inside its shutdown grace period').toBeLessThan(exitWithinMs);
      expect.soft(firstCloseCodes.length, 'subscribers were attached to the replica').toBeGreaterThan(0);
      expect.soft(firstCloseCodes, 'every subscriber of the replica was closed with 1001 (going away)').toEqual(firstCloseCodes.map(() => 1001));
    },
  );
});
