// npx tsx bench/src/metrics-overhead.ts --concurrency 16 --duration 5 --rounds 10
// What the gateway's request metrics cost: two RTC stacks on the same databases, one with METRICS_ENABLED=true and
// one with false, taking turns under the same read-heavy federated queries.
// Not at the same time as bench:checkout: both load the same cores.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readBenchOptions, abortOnInterrupt } from './harness/bench-cli';
import type { BenchOptions } from './harness/bench-options';
import { startChildStack, StackStartError, stackPorts, type ChildStack } from './harness/child-stack';
import { runClosedLoop, type ClosedLoopResult } from './harness/closed-loop';
import { formatSummary, monotonicMicros, readMainProfile, summarizeProfile, type TimeWindow } from './harness/cpu-profile';
import { createGraphQLHttp, type GraphQLHttp } from './harness/graphql-http';
import { createGraphQLLoad, type GraphQLLoad } from './harness/graphql-load';
import { logInCustomers, type Customer } from './harness/log-in';
import { machineLine } from './harness/machine';
import { seedStoreOnce } from './harness/seed-store';
import { cpuMsPerOperation, figuresOf, formatFigures, medianOfRounds, medianRoundRatio, sideOrder, topFailures, type RoundFigures } from './harness/rounds';

// Short rounds, many turns: a small difference needs the two sides measured close together in time.
const defaults = { concurrency: 16, durationSeconds: 5, rounds: 10, warmupSeconds: 3, topology: 'single-process' } as const;
// Its own store, only ever read, so it is seeded once and never carries the expiry work checkout runs leave.
const databasePrefix = 'rtc_bench_reads_';
const target = 0.95;

// A storefront page (catalog + inventory) and a customer's order history (users -> orders -> catalog).
const productsPage = /* GraphQL */ `
  query BenchProductsPage {
    products(first: 20) { edges { node { name price { amount } stock { available } } } }
  }
`;
const myOrders = /* GraphQL */ `
  query BenchMyOrders {
    me { orders(first: 5) { edges { node { number total { amount } lines { quantity product { name } } } } } }
  }
`;

type Side = 'metrics on' | 'metrics off';
const sides = ['metrics on', 'metrics off'] as const;

interface Target {
  readonly stack: ChildStack;
  /** For logging in. */
  readonly http: GraphQLHttp;
  /** The measured load, through the same lean client on both sides. */
  readonly load: GraphQLLoad;
  readonly profileDir: string | undefined;
  /** When its measured rounds ran, for its profile. */
  readonly windows: TimeWindow[];
}

/** Every worker alternates the two queries, the order history as its own customer. */
function readsOf(load: GraphQLLoad, customers: readonly Customer[]) {
  return (worker: number, iteration: number) =>
    iteration % 2 === 0 ? load.send(productsPage) : load.send(myOrders, customers[worker % customers.length]!.token);
}

async function measure(
  options: BenchOptions,
  targets: Record<Side, Target>,
  customers: readonly Customer[],
  signal: AbortSignal,
): Promise<Record<Side, RoundFigures[]>> {
  const load = (side: Side, seconds: number) =>
    runClosedLoop({
      concurrency: options.concurrency,
      durationMs: seconds * 1000,
      operation: readsOf(targets[side].load, customers),
      signal,
      serverCpuMs: targets[side].stack.cpuMs,
    });
  const report = (label: string, side: Side, result: ClosedLoopResult) => {
    console.log(formatFigures(label, side, figuresOf(result), 'req/s'));
    for (const failure of topFailures(result)) console.log(`         ${failure}`);
  };

  if (options.warmupSeconds > 0) for (const side of sides) report('warm-up', side, await load(side, options.warmupSeconds));
  const rounds: Record<Side, RoundFigures[]> = { 'metrics on': [], 'metrics off': [] };
  for (let round = 0; round < options.rounds && !signal.aborted; round++) {
    for (const side of sideOrder(round, sides)) {
      const fromUs = monotonicMicros();
      const result = await load(side, options.durationSeconds);
      if (signal.aborted) break;
      targets[side].windows.push({ fromUs, toUs: monotonicMicros() });
      rounds[side].push(figuresOf(result));
      report(`round ${round + 1}`, side, result);
    }
  }
  return rounds;
}

async function main(): Promise<number> {
  const options = readBenchOptions('npx tsx bench/src/metrics-overhead.ts', defaults);
  if (typeof options === 'number') return options;
  const interrupted = abortOnInterrupt('requests');
  console.log(machineLine());

  const started: Partial<Record<Side, Target>> = {};
  try {
    if (!(await seedStoreOnce(options.databaseUrl, databasePrefix, 4110))) return 1;
    // One after the other: the first migrates (nothing to do once seeded) while the second waits.
    for (const [side, basePort] of [
      ['metrics on', 4110],
      ['metrics off', 4120],
    ] as const) {
      const ports = stackPorts(basePort);
      const profileDir = options.profileDir ? resolve(options.profileDir, `${side.replace(' ', '-')}-${Date.now()}`) : undefined;
      if (profileDir) await mkdir(profileDir, { recursive: true });
      console.log(`starting RTC with ${side} on 127.0.0.1:${ports.gateway}-${ports.inventory} (databases ${databasePrefix}*)`);
      let stack: ChildStack;
      try {
        stack = await startChildStack({
          databaseUrl: options.databaseUrl,
          databasePrefix,
          ports,
          logLevel: 'warn',
          metricsEnabled: side === 'metrics on',
          topology: options.topology,
          ...(profileDir ? { cpuProfileDir: profileDir } : {}),
        });
      } catch (error) {
        if (!(error instanceof StackStartError)) throw error;
        console.error(`RTC (${side}) did not start: ${error.message}`);
        return 1;
      }
      started[side] = {
        stack,
        http: createGraphQLHttp(stack.graphqlUrl, { connections: 4 }),
        load: createGraphQLLoad(stack.graphqlUrl, { connections: options.concurrency }),
        profileDir,
        windows: [],
      };
    }
    const targets = started as Record<Side, Target>;
    // Both stacks verify tokens with the same secret.
    const customers = await logInCustomers(targets['metrics on'].http, { count: options.concurrency });
    console.log(`${options.concurrency} requests in flight, ${options.rounds} rounds of ${options.durationSeconds} s per side`);

    const rounds = await measure(options, targets, customers, interrupted);
    if (rounds['metrics on'].length === 0 || rounds['metrics off'].length === 0) return 130;
    const on = medianOfRounds(rounds['metrics on']);
    const off = medianOfRounds(rounds['metrics off']);
    console.log(formatFigures('median', 'metrics on', on, 'req/s'));
    console.log(formatFigures('median', 'metrics off', off, 'req/s'));
    console.log(
      `RTC CPU per request: ${cpuMsPerOperation(on.serverCores, on.throughput).toFixed(3)} ms with metrics, ${cpuMsPerOperation(off.serverCores, off.throughput).toFixed(3)} ms without`,
    );
    const ratio = on.throughput / off.throughput;
    const paired = medianRoundRatio(rounds['metrics on'], rounds['metrics off']);
    console.log(
      `on/off ${ratio.toFixed(3)}x of the medians, ${paired.toFixed(3)}x round by round (target >= ${target}x: ${ratio >= target ? 'met' : 'missed'})`,
    );
    console.log(machineLine());
    return on.throughput > 0 && off.throughput > 0 ? 0 : 1;
  } finally {
    for (const [side, target] of Object.entries(started) as [Side, Target][]) {
      await target.http.close().catch(() => undefined);
      await target.load.close().catch(() => undefined);
      const code = await target.stack.stop();
      if (target.profileDir) {
        const { file, profile } = await readMainProfile(target.profileDir);
        const summary = summarizeProfile(profile, { top: 20, ...(target.windows.length > 0 ? { windows: target.windows } : {}) });
        console.log(
          `\nRTC (${side}) CPU profile (exit ${code}) ${target.windows.length > 0 ? 'during its measured rounds' : 'of the whole run'}: ${file}\n${formatSummary(summary)}`,
        );
      }
    }
  }
}

process.exitCode = await main();
