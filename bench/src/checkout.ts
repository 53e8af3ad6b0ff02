// npm run bench:checkout -- --concurrency 16 --duration 20 --rounds 3
// Checkout through the gateway against its ceilings: the same rows written straight from mysql2 in batched
// statements, in RTC's two transactions and in one, rounds taking turns.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readBenchOptions, abortOnInterrupt } from './harness/bench-cli';
import type { BenchOptions } from './harness/bench-options';
import { startChildStack, StackStartError, stackPorts, type ChildStack } from './harness/child-stack';
import { runClosedLoop, type ClosedLoopResult } from './harness/closed-loop';
import { formatSummary, monotonicMicros, readStackProfiles, summarizeProfile, type TimeWindow } from './harness/cpu-profile';
import { createGraphQLHttp, type GraphQLHttp } from './harness/graphql-http';
import { logInCustomers, type Customer } from './harness/log-in';
import { countSideRows, formatSideRows, rowProblems } from './harness/checkout-rows';
import { machineLine } from './harness/machine';
import { createRawCheckout, type RawCheckout, type RawVariant } from './harness/raw-checkout';
import { cpuMsPerOperation, figuresOf, formatFigures, medianOfRounds, medianRoundRatio, sideOrder, topFailures, type RoundFigures } from './harness/rounds';
import { dropStore, sellableProducts, storeDatabases, topUpStock } from './harness/store-setup';
import { createBasketMaker, type BasketLine } from './simulation/basket';
import { createRandom } from './simulation/random';
import { startPrivateRedis } from '@rtc/testkit';

// RTC needs more than a few seconds of traffic before V8 has optimised its hot paths, and after sitting idle through
// the other sides' rounds it spends its first seconds back at about a quarter more CPU per order: every side's round
// starts after a ramp of its own load. RTC runs as npm start runs it (gateway and subgraphs on two threads of one
// process): on two cores it places more orders than six processes do (--topology process-per-service).
const defaults = { concurrency: 16, durationSeconds: 20, rounds: 3, warmupSeconds: 10, rampSeconds: 5, topology: 'single-process' } as const;
const defaultDatabasePrefix = 'rtc_bench_';
const defaultBasePort = 4100;
// Far more than a run sells: 3 rounds x 40 s at a few hundred orders a second spread over ~2,000 products.
const stockFloor = 100_000;
// Each worker cycles through customers of its own, so no two checkouts in flight share a customer's rows.
const customersPerWorker = 4;
// Against the one-transaction ceiling measured in the same run (the open performance issue's target).
const target = 0.4;

const placeOrderMutation = /* GraphQL */ `
  mutation BenchPlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) { order { id status total { amount currency } } errors { code message } }
  }
`;

const sides = ['gateway', 'raw 2-tx', 'raw 1-tx'] as const;
type Side = (typeof sides)[number];
type RawSide = Exclude<Side, 'gateway'>;
const variantOf: Record<RawSide, RawVariant> = { 'raw 2-tx': 'two-transactions', 'raw 1-tx': 'one-transaction' };
const rawSides = Object.keys(variantOf) as RawSide[];

type Sides = Record<Side, (worker: number, iteration: number) => Promise<void>>;

interface RunKeys {
  /** Each side's idempotency keys start with its prefix, so its rows can be counted after the run. */
  readonly prefixOf: Record<Side, string>;
  /** Orders each raw side placed, for its round trips per order. */
  readonly placed: Record<RawSide, number>;
}

function createSides(
  http: GraphQLHttp,
  raws: Record<RawSide, RawCheckout>,
  customers: readonly Customer[],
  productIds: readonly number[],
  concurrency: number,
): { sides: Sides; keys: RunKeys } {
  const runId = randomBytes(4).toString('hex');
  const prefixOf: Record<Side, string> = { gateway: `bench-${runId}-g-`, 'raw 2-tx': `bench-${runId}-r2-`, 'raw 1-tx': `bench-${runId}-r1-` };
  const placedBy: Record<RawSide, number> = { 'raw 2-tx': 0, 'raw 1-tx': 0 };
  let placed = 0;
  // One seeded stream per worker: both sides draw baskets of the same sizes from the same products.
  const baskets = Array.from({ length: concurrency }, (_, worker) => {
    const random = createRandom(worker + 1);
    return createBasketMaker(random, () => String(productIds[random.int(0, productIds.length - 1)]), productIds.length);
  });
  const next = (side: Side, worker: number, iteration: number): { customer: Customer; lines: BasketLine[]; key: string } => ({
    customer: customers[(worker + (iteration % customersPerWorker) * concurrency) % customers.length]!,
    lines: baskets[worker]!(),
    key: `${prefixOf[side]}${(placed++).toString(36)}`,
  });
  const rawSide = (side: RawSide) => async (worker: number, iteration: number) => {
    const { customer, lines, key } = next(side, worker, iteration);
    await raws[side].placeOrder(
      customer.userId,
      lines.map((line) => ({ productId: Number(line.productId), quantity: line.quantity })),
      key,
    );
    placedBy[side] += 1;
  };
  return {
    sides: {
      async gateway(worker, iteration) {
        const { customer, lines, key } = next('gateway', worker, iteration);
        await http.request(placeOrderMutation, { input: { lines, idempotencyKey: key } }, customer.token);
      },
      'raw 2-tx': rawSide('raw 2-tx'),
      'raw 1-tx': rawSide('raw 1-tx'),
    },
    keys: { prefixOf, placed: placedBy },
  };
}

/** Each side's figures per round, and when the gateway's measured rounds ran (for the profile). */
interface Measured {
  readonly rounds: Record<Side, RoundFigures[]>;
  readonly gatewayWindows: TimeWindow[];
}

async function measure(options: BenchOptions, operations: Sides, stack: ChildStack, signal: AbortSignal): Promise<Measured> {
  const load = (side: Side, seconds: number) =>
    runClosedLoop({ concurrency: options.concurrency, durationMs: seconds * 1000, operation: operations[side], signal, serverCpuMs: stack.cpuMs });
  const report = (label: string, side: Side, result: ClosedLoopResult) => {
    console.log(formatFigures(label, side, figuresOf(result), 'orders/s'));
    for (const failure of topFailures(result)) console.log(`         ${failure}`);
  };

  if (options.warmupSeconds > 0) {
    for (const side of sides) report('warm-up', side, await load(side, options.warmupSeconds));
  }
  const rounds: Record<Side, RoundFigures[]> = { gateway: [], 'raw 2-tx': [], 'raw 1-tx': [] };
  const gatewayWindows: TimeWindow[] = [];
  for (let round = 0; round < options.rounds && !signal.aborted; round++) {
    for (const side of sideOrder(round, sides)) {
      if (options.rampSeconds > 0) await load(side, options.rampSeconds);
      if (signal.aborted) break;
      const fromUs = monotonicMicros();
      const result = await load(side, options.durationSeconds);
      if (signal.aborted) break;
      if (side === 'gateway') gatewayWindows.push({ fromUs, toUs: monotonicMicros() });
      rounds[side].push(figuresOf(result));
      report(`round ${round + 1}`, side, result);
    }
  }
  return { rounds, gatewayWindows };
}

async function main(): Promise<number> {
  const options = readBenchOptions('npm run bench:checkout --', defaults);
  if (typeof options === 'number') return options;
  const interrupted = abortOnInterrupt('operations');
  console.log(machineLine());

  // A folder per run, so the summary reads this run's profile.
  const profileDir = options.profileDir ? resolve(options.profileDir, `checkout-${Date.now()}`) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const databasePrefix = options.databasePrefix ?? defaultDatabasePrefix;
  const ports = stackPorts(options.basePort ?? defaultBasePort);
  const databases = storeDatabases(databasePrefix);
  // A fresh store per run (seeding takes seconds): earlier runs' unpaid orders would fall due mid-measurement.
  try {
    await dropStore(options.databaseUrl, databases);
  } catch (error) {
    console.error(`Cannot reach the database at ${options.databaseUrl} (${(error as Error).message}). Start MariaDB or MySQL there, or set DATABASE_URL.`);
    return 1;
  }
  console.log(`starting RTC on 127.0.0.1:${ports.gateway}-${ports.inventory} on a freshly seeded store (databases ${databasePrefix}*)`);
  // One process per service meets on a Redis of the run's own, so no other run's events reach its event log.
  const redis = options.topology === 'process-per-service' ? await startPrivateRedis({ port: ports.activity + 1 }) : undefined;
  let stack: ChildStack;
  try {
    stack = await startChildStack({
      ...(redis ? { redisUrl: redis.url } : {}),
      databaseUrl: options.databaseUrl,
      databasePrefix,
      ports,
      logLevel: 'warn',
      topology: options.topology,
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    });
  } catch (error) {
    await redis?.close();
    if (!(error instanceof StackStartError)) throw error;
    console.error(`RTC did not start: ${error.message}`);
    return 1;
  }

  const http = createGraphQLHttp(stack.graphqlUrl, { connections: options.concurrency });
  const raws = Object.fromEntries(
    rawSides.map((side) => [
      side,
      createRawCheckout({ serverUrl: options.databaseUrl, databases, connectionLimit: options.concurrency, variant: variantOf[side] }),
    ]),
  ) as Record<RawSide, RawCheckout>;
  let gatewayWindows: TimeWindow[] = [];
  let gatewayOrders = 0;
  try {
    const productIds = await sellableProducts(options.databaseUrl, databases);
    if (productIds.length === 0) throw new Error(`the ${databasePrefix}* store has no sellable products`);
    const added = await topUpStock(options.databaseUrl, databases, productIds, stockFloor);
    const customers = await logInCustomers(http, { count: options.concurrency * customersPerWorker });
    console.log(
      `${productIds.length} products (${added} units topped up), ${customers.length} customers; ` +
        `${options.concurrency} checkouts in flight, ${options.rounds} rounds of ${options.durationSeconds} s per side, each after ${options.rampSeconds} s of its load unmeasured`,
    );

    const { sides: operations, keys } = createSides(http, raws, customers, productIds, options.concurrency);
    const measured = await measure(options, operations, stack, interrupted);
    const { rounds } = measured;
    gatewayWindows = measured.gatewayWindows;
    gatewayOrders = rounds.gateway.reduce((sum, round) => sum + round.completed, 0);
    if (sides.some((side) => rounds[side].length === 0)) return 130;
    const medians = Object.fromEntries(sides.map((side) => [side, medianOfRounds(rounds[side])])) as Record<Side, RoundFigures>;
    for (const side of sides) console.log(formatFigures('median', side, medians[side], 'orders/s'));
    const gateway = medians.gateway;
    console.log(
      `CPU per order: RTC ${cpuMsPerOperation(gateway.serverCores, gateway.throughput).toFixed(2)} ms through the gateway; this process issuing the raw SQL ` +
        rawSides.map((side) => `${cpuMsPerOperation(medians[side].generatorCores, medians[side].throughput).toFixed(2)} ms (${side})`).join(', '),
    );
    console.log(
      `round trips per order (reads, statements, commits and retries, over the whole run): ` +
        rawSides.map((side) => `${side} ${(raws[side].roundTrips() / Math.max(1, keys.placed[side])).toFixed(2)}`).join(', '),
    );
    for (const side of rawSides) {
      const ratio = gateway.throughput / medians[side].throughput;
      const paired = medianRoundRatio(rounds.gateway, rounds[side]);
      const judged = side === 'raw 1-tx' ? ` (target >= ${target}x of the one-transaction ceiling: ${ratio >= target ? 'met' : 'missed'})` : '';
      console.log(`gateway/${side} ${ratio.toFixed(2)}x of the medians, ${paired.toFixed(2)}x round by round${judged}`);
    }

    // Every side must have written the same rows per order, or its figure compares unlike work.
    let rowsDiffer = false;
    for (const side of sides) {
      const counted = await countSideRows(options.databaseUrl, databases, keys.prefixOf[side]);
      const problems = rowProblems(counted);
      console.log(`rows       ${formatSideRows(side, counted)}${problems.length > 0 ? `: ${problems.join('; ')}` : ''}`);
      if (problems.length > 0) rowsDiffer = true;
    }
    console.log(machineLine());
    return sides.every((side) => medians[side].throughput > 0) && !rowsDiffer ? 0 : 1;
  } finally {
    await Promise.allSettled([http.close(), ...Object.values(raws).map((raw) => raw.close())]);
    const code = await stack.stop();
    await redis?.close();
    if (profileDir) {
      const windows = gatewayWindows.length > 0 ? { windows: gatewayWindows } : {};
      let busyMs = 0;
      for (const { process: name, file, profile } of await readStackProfiles(profileDir)) {
        const summary = summarizeProfile(profile, { top: 25, ...windows });
        busyMs += summary.busyMs;
        console.log(
          `\n${name} CPU profile (RTC exit ${code}) ${gatewayWindows.length > 0 ? 'during the measured gateway rounds' : 'of the whole run'}: ${file}\n${formatSummary(summary)}`,
        );
        if (gatewayOrders > 0) console.log(`${name} CPU per order through the gateway: ${(summary.busyMs / gatewayOrders).toFixed(2)} ms`);
      }
      // A sample lands on whatever the thread was doing, also while it waited for a core: above the kernel's CPU figure.
      if (gatewayOrders > 0)
        console.log(`\nRTC busy time per order through the gateway, all processes' profiles: ${(busyMs / gatewayOrders).toFixed(2)} ms (wall time not idle)`);
    }
  }
}

process.exitCode = await main();
