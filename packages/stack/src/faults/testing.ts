import { createPool, type RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { ProcessExit } from '../service-processes';
import type { InvariantReport } from './check-invariants';
import { startFaultRun, type FaultOutcome, type FaultRun, type FaultRunOptions } from './fault-run';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What every fault test checks after recovery: the words of its name, and of its assertion.
const checks: readonly [keyof InvariantReport, string, string][] = [
  ['confirmedOrdersExistOnce', 'confirmed orders exist exactly once', 'every confirmed order exists exactly once'],
  ['noUnconfirmedOrders', 'no unconfirmed order', 'no unconfirmed order exists unless cancelled with its stock released'],
  ['stockMatchesLedger', 'stock = ledger', 'stock equals the ledger for every product'],
  ['noReservationWithoutOrder', 'no reservation held without an order', 'no reservation without an order is held'],
  ['oneTickPerOrder', 'one tick per order per subscriber', 'every subscriber received exactly one tick per committed order'],
  ['everyOrderAnswered', 'every order answered after recovery', 'every order was answered once the store recovered'],
  ['checkoutP99', 'checkout p99 < 1 s during the fault', "checkout's p99 during the fault is under 1 s"],
  ['failuresCodedAndClean', 'failures coded without internals', 'every failure the clients saw carried a stable code and no internal detail'],
  ['serviceLogsClean', 'no unhandled error in service logs', 'no service logged an unhandled error or died of one'],
];

/** Soft-asserts every invariant, so one run reports all that broke, each under its own name. */
export function expectInvariants({ report, fault }: FaultOutcome): void {
  const { counts, latency } = report;
  console.info(
    `fault ${((fault.to - fault.from) / 1_000).toFixed(1)} s; orders placed ${counts.placed}, confirmed ${counts.confirmed}, refused ${JSON.stringify(counts.refused)}, ` +
      `unanswered ${counts.unanswered}, abandoned ${counts.abandoned}, in the store ${counts.orders}, requests ${counts.attempts}; checkout during the fault: ${latency.count} requests, ` +
      `p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; subscriber errors ${counts.subscriberErrors}`,
  );
  for (const [key, , name] of checks) {
    const problems = report[key] as string[];
    // Printed as well: vitest folds identical assertion messages of several files into one report.
    if (problems.length > 0) console.info(`${name}: FAILED\n  ${problems.join('\n  ')}`);
    expect.soft(problems, name).toEqual([]);
  }
}

/**
 * One fault test in a file of its own: a store on private servers started before it, the fault applied under load,
 * every invariant checked after recovery, and `extra` for what only this fault can check (named in `extraChecks`).
 * The test's name states the fault and every check. The services' logs are kept
 * (and their directory printed) when it fails.
 */
export function faultTest(
  { fault: faultName, extraChecks = [] }: { readonly fault: string; readonly extraChecks?: readonly string[] },
  options: FaultRunOptions,
  fault: (run: FaultRun) => Promise<void>,
  extra?: (run: FaultRun, outcome: FaultOutcome) => void | Promise<void>,
): void {
  const load = `${options.ordersPerSecond ?? 12} orders/s, ${options.subscribers ?? 20} subscribers`;
  const title = `${faultName} (${load}): ${[...extraChecks, ...checks.map(([, short]) => short)].join(', ')}`;
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

export interface MidCheckoutKill {
  /** Checkouts waiting for an answer when the service died; their customers give up after it (nobody retries them). */
  readonly inFlight: number;
  /** Reservations held without their order right after the kill: checkouts cut between reserving and writing the order. */
  readonly reservedWithoutOrder: number;
  readonly exit: ProcessExit;
}

/**
 * SIGKILLs a service mid-checkout, then starts it again at once, as an orchestrator would. Orders is killed at a
 * moment when a checkout has reserved its stock and not yet written its order, inventory while a checkout waits on it
 * (within 60 s, or at the end of them).
 */
export async function killMidCheckout(run: FaultRun, name: 'inventory' | 'orders'): Promise<MidCheckoutKill> {
  const service = run.services.processes[name];
  const pool = createPool({ uri: run.mariadb.url, connectionLimit: 1 });
  const { inventory, orders } = run.databaseNames;
  const reservedWithoutOrder = async () => {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM \`${inventory}\`.reservations r LEFT JOIN \`${orders}\`.orders o ON o.reservation_ref = r.reference
        WHERE r.status = 'HELD' AND o.id IS NULL`,
    );
    return Number(rows[0]!['n']);
  };
  try {
    const deadline = Date.now() + 60_000;
    // A checkout spends only milliseconds in each service, too short to catch by polling on a busy machine: freeze the
    // service with checkouts in flight and kill it frozen once the state to test is there, otherwise thaw it and try
    // again. For orders that state is a reservation held without its order (inventory finishes the reservations it
    // was making while orders is frozen); for inventory it is a checkout still waiting on it. Each try freezes at a
    // random point of the checkouts in flight: freezing 1 ms after one started lands before its reservation every
    // time on a loaded machine, where a checkout takes tens of milliseconds.
    const caught = async () => (name === 'orders' ? (await reservedWithoutOrder()) > 0 : run.load.inFlight > 0);
    for (;;) {
      while (run.load.inFlight === 0 && Date.now() < deadline) await sleep(1);
      await sleep(Math.floor(Math.random() * 40));
      service.signal('SIGSTOP');
      await sleep(100);
      if ((await caught()) || Date.now() >= deadline) break;
      service.signal('SIGCONT');
      await sleep(20);
    }
    const exit = await service.kill();
    const inFlight = run.load.abandonInFlight();
    const left = await reservedWithoutOrder();
    console.info(`${name} killed with ${inFlight} checkouts in flight and ${left} reservations held without their order`);
    await service.restart();
    return { inFlight, reservedWithoutOrder: left, exit };
  } finally {
    await pool.end();
  }
}
