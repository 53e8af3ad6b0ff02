import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { ProcessExit } from '../service-processes';
import type { InvariantReport } from './check-invariants';
import { startFaultRun, type FaultOutcome, type FaultRun, type FaultRunOptions } from './fault-run';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What every fault test checks after recovery, in the words its name uses.
const checks: readonly [keyof InvariantReport, string][] = [
  ['confirmedOrdersExistOnce', 'every confirmed order exists exactly once'],
  ['noUnconfirmedOrders', 'no unconfirmed order exists unless cancelled with its stock released'],
  ['stockMatchesLedger', 'stock equals the ledger for every product'],
  ['noReservationWithoutOrder', 'no reservation without an order is held'],
  ['oneTickPerOrder', 'every subscriber received exactly one tick per committed order'],
  ['everyOrderAnswered', 'every order was answered once the store recovered'],
  ['checkoutP99', "checkout's p99 during the fault is under 1 s"],
  ['failuresCodedAndClean', 'every failure the clients saw carried a stable code and no internal detail'],
];

/** Soft-asserts every invariant, so one run reports all that broke, each under its own name. */
export function expectInvariants({ report, fault }: FaultOutcome): void {
  const { counts, latency } = report;
  console.info(
    `fault ${((fault.to - fault.from) / 1_000).toFixed(1)} s; orders placed ${counts.placed}, confirmed ${counts.confirmed}, refused ${JSON.stringify(counts.refused)}, ` +
      `unanswered ${counts.unanswered}, in the store ${counts.orders}, requests ${counts.attempts}; checkout during the fault: ${latency.count} requests, ` +
      `p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; subscriber errors ${counts.subscriberErrors}`,
  );
  for (const [key, name] of checks) expect.soft(report[key], name).toEqual([]);
}

/**
 * One fault test in a file of its own: a store on private servers started before it, the fault applied under load,
 * every invariant checked after recovery, and `extra` for what only this fault can check. The services' logs are kept
 * (and their directory printed) when it fails.
 */
export function faultTest(
  title: string,
  options: FaultRunOptions,
  fault: (run: FaultRun) => Promise<void>,
  extra?: (run: FaultRun, outcome: FaultOutcome) => void | Promise<void>,
): void {
  let run: FaultRun | undefined;
  let keepLogs = false;
  beforeAll(async () => {
    run = await startFaultRun(options);
  }, 180_000);
  afterAll(async () => {
    if (keepLogs && run) console.error(`service logs of "${title}": ${run.logDir}`);
    await run?.dispose({ keepLogs });
  }, 120_000);
  it(
    title,
    async () => {
      onTestFailed(() => {
        keepLogs = true;
      });
      const outcome = await run!.run(() => fault(run!));
      expectInvariants(outcome);
      await extra?.(run!, outcome);
    },
    180_000,
  );
}

/** SIGKILLs a service while checkouts are in flight, then starts it again at once, as an orchestrator would. */
export async function killMidCheckout(run: FaultRun, name: 'inventory' | 'orders'): Promise<{ inFlight: number; exit: ProcessExit }> {
  const service = run.services.processes[name];
  const deadline = Date.now() + 5_000;
  while (run.load.inFlight === 0 && Date.now() < deadline) await sleep(5);
  const inFlight = run.load.inFlight;
  const exit = await service.kill();
  await service.restart();
  return { inFlight, exit };
}
