// npx tsx bench/src/gateways.ts --concurrency 50 --duration 5 --rounds 4
// RTC's gateway against Hive Gateway on the same subgraphs: RTC's subgraphs start once (one process per service, over
// Redis, as deployed), then three gateways in processes of their own in front of them: RTC in its default
// configuration, RTC with the response cache on, and Hive Gateway in its default configuration on the same committed
// supergraph. They take turns under the same load at the same number of connections: the anonymous 10-product listing
// with stock, then a customer's orders with lines, products and stock (a customer per connection).
import { isDeepStrictEqual } from 'node:util';
import { abortOnInterrupt, readBenchOptions } from './harness/bench-cli';
import type { BenchOptions } from './harness/bench-options';
import { startChildStack, StackStartError, stackPorts, type ChildStack } from './harness/child-stack';
import { runClosedLoop, type ClosedLoopResult } from './harness/closed-loop';
import { startHiveGateway, startRtcGateway, type GatewayProcess } from './harness/gateway-processes';
import { createGraphQLHttp, type GraphQLHttp } from './harness/graphql-http';
import { createGraphQLLoad, type GraphQLLoad } from './harness/graphql-load';
import { logInCustomers, type Customer } from './harness/log-in';
import { machineLine } from './harness/machine';
import { benchReadQueries, type BenchReadQuery } from './harness/read-queries';
import { cpuMsPerOperation, figuresOf, formatFigures, medianOfRounds, medianRoundRatio, sideOrder, topFailures, type RoundFigures } from './harness/rounds';
import { seedStoreOnce } from './harness/seed-store';

const defaults = { concurrency: 50, durationSeconds: 5, rounds: 4, warmupSeconds: 3, topology: 'process-per-service' } as const;
// The read-only store of bench:reads and bench:metrics: seeded once, never written.
const databasePrefix = 'rtc_bench_reads_';
const basePort = 4150;
const redisUrl = 'redis://127.0.0.1:6379';

const sides = ['RTC', 'RTC cached', 'Hive'] as const;
type Side = (typeof sides)[number];

interface Target {
  readonly gateway: GatewayProcess;
  /** For logging in and comparing answers. */
  readonly http: GraphQLHttp;
  /** The measured load, through the same lean client on every side. */
  readonly load: GraphQLLoad;
}

async function measure(
  options: BenchOptions,
  targets: Record<Side, Target>,
  subgraphs: ChildStack,
  query: BenchReadQuery,
  customers: readonly Customer[],
  signal: AbortSignal,
): Promise<Record<Side, RoundFigures[]>> {
  const token = (worker: number) => (query === 'my orders' ? customers[worker % customers.length]!.token : undefined);
  const load = (side: Side, seconds: number) =>
    runClosedLoop({
      concurrency: options.concurrency,
      durationMs: seconds * 1000,
      operation: (worker) => targets[side].load.send(benchReadQueries[query], token(worker)),
      signal,
      // The whole of the serving side: this gateway and the subgraphs (their idle gateway costs next to nothing).
      serverCpuMs: () => {
        const [gateway, rest] = [targets[side].gateway.cpuMs(), subgraphs.cpuMs()];
        return gateway === undefined || rest === undefined ? undefined : gateway + rest;
      },
    });
  const report = (label: string, side: Side, result: ClosedLoopResult) => {
    console.log(formatFigures(`${query} ${label}`, side, figuresOf(result), 'req/s'));
    for (const failure of topFailures(result)) console.log(`         ${failure}`);
  };
  if (options.warmupSeconds > 0) for (const side of sides) report('warm-up', side, await load(side, options.warmupSeconds));
  const rounds: Record<Side, RoundFigures[]> = { RTC: [], 'RTC cached': [], Hive: [] };
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

/** Every gateway must give the same answer, or the comparison compares different work. */
async function assertSameAnswers(targets: Record<Side, Target>, customer: Customer): Promise<void> {
  for (const [query, text] of Object.entries(benchReadQueries)) {
    const token = query === 'my orders' ? customer.token : undefined;
    const answers = await Promise.all(sides.map((side) => targets[side].http.request(text, {}, token)));
    for (const [index, answer] of answers.entries()) {
      if (!isDeepStrictEqual(answer, answers[0])) throw new Error(`${sides[index]} answers ${query} differently from ${sides[0]}`);
    }
  }
}

async function main(): Promise<number> {
  const options = readBenchOptions('npx tsx bench/src/gateways.ts', defaults);
  if (typeof options === 'number') return options;
  const interrupted = abortOnInterrupt('requests');
  console.log(machineLine());

  let subgraphs: ChildStack | undefined;
  const started: Partial<Record<Side, Target>> = {};
  try {
    if (!(await seedStoreOnce(options.databaseUrl, databasePrefix, basePort))) return 1;
    const ports = stackPorts(basePort);
    console.log(`starting RTC's subgraphs (one process each) on 127.0.0.1:${ports.users}-${ports.inventory} (databases ${databasePrefix}*)`);
    try {
      subgraphs = await startChildStack({
        databaseUrl: options.databaseUrl,
        databasePrefix,
        ports,
        logLevel: 'warn',
        topology: 'process-per-service',
        redisUrl,
      });
      const { gateway: _ownGateway, ...subgraphPorts } = ports;
      const gateways: Record<Side, () => Promise<GatewayProcess>> = {
        RTC: () => startRtcGateway({ name: 'rtc', port: basePort + 10, subgraphs: subgraphPorts, responseCache: false, redisUrl }),
        'RTC cached': () => startRtcGateway({ name: 'rtc-cached', port: basePort + 11, subgraphs: subgraphPorts, responseCache: true, redisUrl }),
        Hive: () => startHiveGateway({ port: basePort + 12, subgraphs: subgraphPorts }),
      };
      for (const side of sides) {
        const gateway = await gateways[side]();
        started[side] = {
          gateway,
          http: createGraphQLHttp(gateway.graphqlUrl, { connections: 4 }),
          load: createGraphQLLoad(gateway.graphqlUrl, { connections: options.concurrency }),
        };
        console.log(`${side} gateway on ${gateway.graphqlUrl}`);
      }
    } catch (error) {
      if (!(error instanceof StackStartError)) throw error;
      console.error(`a side did not start: ${error.message}`);
      return 1;
    }
    const targets = started as Record<Side, Target>;
    const customers = await logInCustomers(targets.RTC.http, { count: options.concurrency });
    await assertSameAnswers(targets, customers[0]!);
    console.log(
      `${options.concurrency} connections, ${options.rounds} rounds of ${options.durationSeconds} s per side and query; CPU is the gateway's and the subgraphs'`,
    );

    const summaries: string[] = [];
    for (const query of Object.keys(benchReadQueries) as BenchReadQuery[]) {
      const rounds = await measure(options, targets, subgraphs, query, customers, interrupted);
      if (sides.some((side) => rounds[side].length === 0)) return 130;
      const medians = Object.fromEntries(sides.map((side) => [side, medianOfRounds(rounds[side])])) as Record<Side, RoundFigures>;
      if (sides.some((side) => !(medians[side].throughput > 0))) return 1;
      for (const side of sides) summaries.push(formatFigures(`${query} median`, side, medians[side], 'req/s'));
      const ratio = (a: Side, b: Side) =>
        `${a}/${b} ${(medians[a].throughput / medians[b].throughput).toFixed(3)}x of the medians, ${medianRoundRatio(rounds[a], rounds[b]).toFixed(3)}x round by round`;
      const cpu = sides.map((side) => `${side} ${cpuMsPerOperation(medians[side].serverCores, medians[side].throughput).toFixed(3)} ms`).join(', ');
      summaries.push(`${query}: ${ratio('RTC', 'Hive')}; ${ratio('RTC cached', 'Hive')}; ${ratio('RTC cached', 'RTC')}; CPU per request ${cpu}`);
    }
    for (const line of summaries) console.log(line);
    console.log(machineLine());
    return 0;
  } finally {
    for (const target of Object.values(started)) {
      await target.http.close().catch(() => undefined);
      await target.load.close().catch(() => undefined);
      await target.gateway.stop();
    }
    await subgraphs?.stop();
  }
}

process.exitCode = await main();
