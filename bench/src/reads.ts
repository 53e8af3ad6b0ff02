// npx tsx bench/src/reads.ts --concurrency 50 --duration 5 --rounds 4
// What the gateway's merging of identical in-flight subgraph reads is worth on a storefront listing: two RTC stacks on
// the same databases, one with SUBGRAPH_MERGE_READS=true and one with false, taking turns under the same anonymous
// 10-product listing with stock (catalog, then inventory) at the same number of connections; then a customer's orders
// with lines, products and stock, each connection as a customer of its own (merged only within one caller's scope).
import { readBenchOptions, abortOnInterrupt } from './harness/bench-cli';
import type { BenchOptions } from './harness/bench-options';
import { startChildStack, StackStartError, stackPorts, type ChildStack } from './harness/child-stack';
import { runClosedLoop, type ClosedLoopResult } from './harness/closed-loop';
import { createGraphQLHttp, type GraphQLHttp } from './harness/graphql-http';
import { createGraphQLLoad, type GraphQLLoad } from './harness/graphql-load';
import { logInCustomers, type Customer } from './harness/log-in';
import { machineLine } from './harness/machine';
import { benchReadQueries, type BenchReadQuery } from './harness/read-queries';
import { seedStoreOnce } from './harness/seed-store';
import { cpuMsPerOperation, figuresOf, formatFigures, medianOfRounds, medianRoundRatio, sideOrder, topFailures, type RoundFigures } from './harness/rounds';

const defaults = { concurrency: 50, durationSeconds: 5, rounds: 4, warmupSeconds: 3, topology: 'single-process' } as const;
// The read-only store bench:metrics uses: seeded once, never written.
const databasePrefix = 'rtc_bench_reads_';

const queries = benchReadQueries;
type QueryName = BenchReadQuery;

type Side = 'merging on' | 'merging off';
const sides = ['merging on', 'merging off'] as const;

interface Target {
  readonly stack: ChildStack;
  /** For logging in. */
  readonly http: GraphQLHttp;
  /** The measured load, through the same lean client on both sides. */
  readonly load: GraphQLLoad;
}

async function measure(
  options: BenchOptions,
  targets: Record<Side, Target>,
  query: QueryName,
  customers: readonly Customer[],
  signal: AbortSignal,
): Promise<Record<Side, RoundFigures[]>> {
  const token = (worker: number) => (query === 'my orders' ? customers[worker % customers.length]!.token : undefined);
  const load = (side: Side, seconds: number) =>
    runClosedLoop({
      concurrency: options.concurrency,
      durationMs: seconds * 1000,
      operation: (worker) => targets[side].load.send(queries[query], token(worker)),
      signal,
      serverCpuMs: targets[side].stack.cpuMs,
    });
  const report = (label: string, side: Side, result: ClosedLoopResult) => {
    console.log(formatFigures(`${query} ${label}`, side, figuresOf(result), 'req/s'));
    for (const failure of topFailures(result)) console.log(`         ${failure}`);
  };
  if (options.warmupSeconds > 0) for (const side of sides) report('warm-up', side, await load(side, options.warmupSeconds));
  const rounds: Record<Side, RoundFigures[]> = { 'merging on': [], 'merging off': [] };
  for (let round = 0; round < options.rounds && !signal.aborted; round++) {
    for (const side of sideOrder(round, sides)) {
      const result = await load(side, options.durationSeconds);
      if (signal.aborted) break;
      rounds[side].push(figuresOf(result));
      report(`round ${round + 1}`, side, result);
    }
  }
  return rounds;
}

async function main(): Promise<number> {
  const options = readBenchOptions('npx tsx bench/src/reads.ts', defaults);
  if (typeof options === 'number') return options;
  const interrupted = abortOnInterrupt('requests');
  console.log(machineLine());

  const started: Partial<Record<Side, Target>> = {};
  try {
    if (!(await seedStoreOnce(options.databaseUrl, databasePrefix, 4130))) return 1;
    for (const [side, basePort] of [
      ['merging on', 4130],
      ['merging off', 4140],
    ] as const) {
      const ports = stackPorts(basePort);
      console.log(`starting RTC with ${side} on 127.0.0.1:${ports.gateway}-${ports.inventory} (databases ${databasePrefix}*)`);
      try {
        const stack = await startChildStack({
          databaseUrl: options.databaseUrl,
          databasePrefix,
          ports,
          logLevel: 'warn',
          mergeSubgraphReads: side === 'merging on',
          topology: options.topology,
        });
        started[side] = {
          stack,
          http: createGraphQLHttp(stack.graphqlUrl, { connections: 4 }),
          load: createGraphQLLoad(stack.graphqlUrl, { connections: options.concurrency }),
        };
      } catch (error) {
        if (!(error instanceof StackStartError)) throw error;
        console.error(`RTC (${side}) did not start: ${error.message}`);
        return 1;
      }
    }
    const targets = started as Record<Side, Target>;
    // Both stacks verify tokens with the same secret.
    const customers = await logInCustomers(targets['merging on'].http, { count: options.concurrency });
    console.log(`${options.concurrency} connections, ${options.rounds} rounds of ${options.durationSeconds} s per side and query`);

    const summaries: string[] = [];
    for (const query of Object.keys(queries) as QueryName[]) {
      const rounds = await measure(options, targets, query, customers, interrupted);
      if (rounds['merging on'].length === 0 || rounds['merging off'].length === 0) return 130;
      const on = medianOfRounds(rounds['merging on']);
      const off = medianOfRounds(rounds['merging off']);
      if (!(on.throughput > 0 && off.throughput > 0)) return 1;
      const paired = medianRoundRatio(rounds['merging on'], rounds['merging off']);
      summaries.push(
        formatFigures(`${query} median`, 'merging on', on, 'req/s'),
        formatFigures(`${query} median`, 'merging off', off, 'req/s'),
        `${query}: on/off ${(on.throughput / off.throughput).toFixed(3)}x of the medians, ${paired.toFixed(3)}x round by round; RTC CPU per request ${cpuMsPerOperation(on.serverCores, on.throughput).toFixed(3)} ms merging, ${cpuMsPerOperation(off.serverCores, off.throughput).toFixed(3)} ms not`,
      );
    }
    for (const line of summaries) console.log(line);
    console.log(machineLine());
    return 0;
  } finally {
    for (const target of Object.values(started)) {
      await target.http.close().catch(() => undefined);
      await target.load.close().catch(() => undefined);
      await target.stack.stop();
    }
  }
}

process.exitCode = await main();
