// npm run bench:soak -- --duration 10m
// Mixed storefront traffic (product listing, product pages, a customer's orders), checkout with payments, and live
// subscribers on salesTicks against RTC run as one process per service over Redis, as deployed. Reports every
// interval, then judges: memory flat, outbox backlog back to zero, no error but OUT_OF_STOCK; exit 1 when one fails.
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { startPrivateRedis, type PrivateServer } from '@rtc/testkit';
import { abortOnInterrupt } from './harness/bench-cli';
import { startChildStack, StackStartError, stackPorts, type ChildStack, type StackService } from './harness/child-stack';
import { createGraphQLHttp, GraphQLRequestError, type GraphQLHttp } from './harness/graphql-http';
import { logIn, logInCustomers, type Customer } from './harness/log-in';
import { machineLine } from './harness/machine';
import { openLoop, sleep } from './harness/open-loop';
import { dropStore, sellableProducts, storeDatabases } from './harness/store-setup';
import { inBatches, openSubscriber, type Subscriber } from './live/ws-subscriber';
import { createBasketMaker } from './simulation/basket';
import { createRandom } from './simulation/random';
import { createWeightedPicker, zipfWeights } from './simulation/weighted';
import { createIntervalStats, formatFailures, formatOperations, type IntervalStats } from './soak/interval-stats';
import { formatVerdict, judgeSoak, type ProcessMemory } from './soak/judgement';
import { parseSoakOptions, soakUsage, UsageError, type SoakOptions } from './soak/options';
import { outboxBacklog, sampleStack, type StackSample } from './soak/process-metrics';

const databasePrefix = 'rtc_bench_soak_';
const services: readonly StackService[] = ['gateway', 'users', 'catalog', 'orders', 'inventory'];
const operations = ['listing', 'product', 'my orders', 'checkout', 'pay'] as const;
type Operation = (typeof operations)[number];
const customerCount = 40;
// Often enough that the lowest heap of a minute falls right after a collection.
const sampleEveryMs = 3_000;

const listingQuery = /* GraphQL */ `
  query SoakListing {
    products(first: 10) { edges { node { id name price { amount currency } stock { available } } } }
  }
`;
const productQuery = /* GraphQL */ `
  query SoakProduct($id: ID!) {
    product(id: $id) { id name description price { amount currency } category { name } stock { available } }
  }
`;
const myOrdersQuery = /* GraphQL */ `
  query SoakMyOrders {
    me { orders(first: 5) { edges { node { id status total { amount } lines { quantity product { name stock { available } } } } } } }
  }
`;
const placeOrderMutation = /* GraphQL */ `
  mutation SoakPlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) { order { id status } errors { code message } }
  }
`;
const payOrderMutation = /* GraphQL */ `
  mutation SoakPayOrder($input: PayOrderInput!) {
    payOrder(input: $input) { order { id status } errors { code message } }
  }
`;
const ticksSubscription = 'subscription SoakTicks { salesTicks { at order { id total { amount currency } lines { quantity product { name } } } } }';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)}`;
const clock = (seconds: number) => `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;

function codeOf(error: unknown): string {
  if (error instanceof GraphQLRequestError) return error.code;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `NETWORK_${code}` : 'CLIENT_ERROR';
}

interface Traffic {
  placed: number;
  skipped: number;
  readonly pays: Set<Promise<void>>;
}

function startTraffic(
  options: SoakOptions,
  stats: IntervalStats,
  http: GraphQLHttp,
  customers: readonly Customer[],
  productIds: readonly number[],
  until: number,
  signal: AbortSignal,
): Traffic & { done: Promise<void> } {
  const random = createRandom(20_251_129);
  const pickProduct = createWeightedPicker(zipfWeights(productIds.length, 1.0), random);
  const productId = () => String(productIds[pickProduct()]);
  const makeBasket = createBasketMaker(random, productId, productIds.length);
  const pickCustomer = createWeightedPicker(zipfWeights(customers.length, 0.7), random);
  const traffic: Traffic = { placed: 0, skipped: 0, pays: new Set() };
  const runId = Date.now().toString(36);

  const timed = async (operation: Operation, run: () => Promise<unknown>): Promise<unknown> => {
    const started = performance.now();
    try {
      const result = await run();
      stats.record(operation, performance.now() - started);
      return result;
    } catch (error) {
      stats.fail(codeOf(error));
      return undefined;
    }
  };

  const pay = (orderId: string, customer: Customer, n: number) => {
    const promise = sleep(200 + random.next() * 1_800)
      .then(() => timed('pay', () => http.request(payOrderMutation, { input: { orderId, paymentToken: `tok_soak_${runId}_${n}` } }, customer.token)))
      .then(() => undefined)
      .finally(() => traffic.pays.delete(promise));
    traffic.pays.add(promise);
  };

  const checkout = async (n: number) => {
    const customer = customers[pickCustomer()]!;
    const placed = (await timed('checkout', () =>
      http.request<{ placeOrder: { order: { id: string } } }>(
        placeOrderMutation,
        { input: { lines: makeBasket(), idempotencyKey: `soak-${runId}-${n}` } },
        customer.token,
      ),
    )) as { placeOrder: { order: { id: string } } } | undefined;
    if (!placed) return;
    traffic.placed += 1;
    if (random.next() < options.payShare) pay(placed.placeOrder.order.id, customer, n);
  };

  const read = async () => {
    const draw = random.next();
    if (draw < 0.4) await timed('listing', () => http.request(listingQuery));
    else if (draw < 0.8) await timed('product', () => http.request(productQuery, { id: productId() }));
    else await timed('my orders', () => http.request(myOrdersQuery, {}, customers[pickCustomer()]!.token));
  };

  const skip = () => void (traffic.skipped += 1);
  const done = Promise.all([
    openLoop(options.checkoutRate, until, signal, Math.max(16, Math.ceil(options.checkoutRate * 4)), checkout, skip),
    openLoop(options.readRate, until, signal, Math.max(16, Math.ceil(options.readRate * 2)), read, skip),
  ]).then(() => undefined);
  return Object.assign(traffic, { done });
}

/** Per interval, each process's samples: RSS summed for a mean, the lowest old-generation heap used, and the latest sample. */
interface MemoryWindow {
  readonly rss: Map<StackService, { sum: number; count: number }>;
  readonly heapFloor: Map<StackService, number>;
  latest: StackSample | undefined;
}

const emptyWindow = (): MemoryWindow => ({ rss: new Map(), heapFloor: new Map(), latest: undefined });

function addSample(window: MemoryWindow, sample: StackSample): void {
  for (const service of services) {
    const process = sample[service];
    const rss = window.rss.get(service) ?? { sum: 0, count: 0 };
    window.rss.set(service, { sum: rss.sum + process.rssBytes, count: rss.count + 1 });
    window.heapFloor.set(service, Math.min(window.heapFloor.get(service) ?? Number.POSITIVE_INFINITY, process.heapUsedBytes));
  }
  window.latest = sample;
}

function memoryOf(window: MemoryWindow): Record<string, ProcessMemory> {
  return Object.fromEntries(
    services
      .filter((service) => window.rss.has(service))
      .map((service) => {
        const rss = window.rss.get(service)!;
        return [service, { rssBytes: rss.sum / rss.count, heapUsedBytes: window.heapFloor.get(service)! }];
      }),
  );
}

async function unpaidOrders(options: SoakOptions): Promise<number | null> {
  const pool = createPool({ uri: `${options.databaseUrl.replace(/\/$/, '')}/${storeDatabases(databasePrefix).orders}`, connectionLimit: 1 });
  try {
    const [[row]] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS pending FROM orders WHERE status = 'PENDING'");
    return Number(row!['pending']);
  } catch {
    return null;
  } finally {
    await pool.end();
  }
}

async function main(): Promise<number> {
  let options: SoakOptions | null;
  try {
    options = parseSoakOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${soakUsage}`);
    return 2;
  }
  if (!options) {
    console.log(soakUsage);
    return 0;
  }
  console.log(machineLine());
  const databases = storeDatabases(databasePrefix);
  try {
    await dropStore(options.databaseUrl, databases);
  } catch (error) {
    console.error(`Cannot reach the database at ${options.databaseUrl} (${(error as Error).message}). Start MariaDB or MySQL there, or set DATABASE_URL.`);
    return 1;
  }
  const ports = stackPorts(options.basePort);
  let redis: PrivateServer;
  try {
    redis = await startPrivateRedis({ port: options.basePort + 6 });
  } catch (error) {
    console.error(`A private Redis did not start: ${(error as Error).message}`);
    return 1;
  }
  console.log(`starting RTC, one process per service, on 127.0.0.1:${ports.gateway}-${ports.inventory} with Redis ${redis.url} (databases ${databasePrefix}*)`);
  let stack: ChildStack;
  try {
    stack = await startChildStack({
      databaseUrl: options.databaseUrl,
      databasePrefix,
      ports,
      logLevel: 'warn',
      topology: 'process-per-service',
      redisUrl: redis.url,
    });
  } catch (error) {
    await redis.close();
    if (!(error instanceof StackStartError)) throw error;
    console.error(`RTC did not start: ${error.message}`);
    return 1;
  }

  const urls = Object.fromEntries(services.map((service) => [service, `http://127.0.0.1:${ports[service]}`])) as Record<StackService, string>;
  const http = createGraphQLHttp(stack.graphqlUrl, { connections: 32 });
  const subscribers: Subscriber[] = [];
  try {
    const productIds = await sellableProducts(options.databaseUrl, databases);
    if (productIds.length === 0) throw new Error(`the ${databasePrefix}* store has no sellable products`);
    const analyst = await logIn(http, 'analyst@rtc.example', 'rtc-analyst-password');
    const customers = await logInCustomers(http, { count: customerCount });

    let ticks = 0;
    const stats = createIntervalStats(operations);
    const liveFail = (code: string) => stats.fail(code);
    subscribers.push(
      ...(await inBatches(options.subscribers, 50, async () => {
        const subscriber = openSubscriber({
          url: stack.graphqlUrl,
          token: analyst.token,
          query: ticksSubscription,
          onNext: (message) => {
            if (!message.includes('"type":"next"')) return liveFail(message.includes('"type":"error"') ? 'SUBSCRIPTION_ERROR' : 'SUBSCRIPTION_COMPLETED');
            if (message.includes('"errors"')) {
              const code = /"code":"([A-Z_]+)"/.exec(message)?.[1] ?? 'UNKNOWN';
              return liveFail(`LIVE_${code}`);
            }
            ticks += 1;
          },
          onClose: (code) => liveFail(`SOCKET_CLOSED_${code}`),
        });
        await subscriber.ready;
        return subscriber;
      })),
    );
    console.log(
      `${productIds.length} products, ${customers.length} customers, ${subscribers.length} live subscribers; ` +
        `${options.checkoutRate} orders/s (${Math.round(options.payShare * 100)} % paid) and ${options.readRate} storefront reads/s for ${clock(options.durationSeconds)}, ` +
        `a report every ${clock(options.intervalSeconds)}`,
    );

    const startedAt = Date.now();
    const until = startedAt + options.durationSeconds * 1000;
    // Ctrl-C ends the traffic early; the drain, the totals and the judgement still run.
    const interrupted = abortOnInterrupt('requests');
    const traffic = startTraffic(options, stats, http, customers, productIds, until, interrupted);
    const memory: Record<string, ProcessMemory>[] = [];
    let window = emptyWindow();
    let sampleFailures = 0;
    const sampler = setInterval(() => {
      sampleStack(urls).then(
        (sample) => addSample(window, sample),
        () => (sampleFailures += 1),
      );
    }, sampleEveryMs);

    let ticksBefore = 0;
    let placedBefore = 0;
    let skippedBefore = 0;
    let dropsBefore = 0;
    const report = async (seconds: number, label: string) => {
      const sample = await sampleStack(urls).catch(() => undefined);
      if (sample) addSample(window, sample);
      const { operations: figures, failures } = stats.take();
      const { total, line } = formatOperations(figures, seconds);
      const latest = window.latest;
      const unpaid = await unpaidOrders(options);
      const expected = (traffic.placed - placedBefore) * subscribers.length;
      const drops = latest ? latest.gateway.slowSubscriberDrops - dropsBefore : Number.NaN;
      if (latest) dropsBefore = latest.gateway.slowSubscriberDrops;
      console.log(`[${label}] ${total.toFixed(1)} ops/s: ${line}`);
      if (latest) {
        console.log(
          `         memory MB (RSS mean / lowest old-generation heap used): ${Object.entries(memoryOf(window))
            .map(([service, m]) => `${service} ${mb(m.rssBytes)}/${mb(m.heapUsedBytes)}`)
            .join('  ')}`,
        );
        console.log(
          `         connections: ${latest.gateway.websockets} websockets; open fds ${services.map((service) => `${service} ${latest[service].openFds}`).join(' ')}; ` +
            `outbox backlog ${outboxBacklog(latest)} (${
              services
                .filter((service) => latest[service].outboxPending > 0)
                .map((service) => `${service} ${latest[service].outboxPending}`)
                .join(', ') || 'none pending'
            }); ` +
            `unpaid orders ${unpaid ?? '?'}`,
        );
      } else console.log('         the services did not answer /metrics');
      console.log(
        `         live ticks ${ticks - ticksBefore} received for ${expected} expected (the gateway closed ${Number.isNaN(drops) ? '?' : drops} sockets of slow readers); arrivals skipped (too many in flight) ${traffic.skipped - skippedBefore}; ` +
          `failures ${formatFailures(failures)}` +
          (sampleFailures > 0 ? `; ${sampleFailures} metric scrapes failed` : ''),
      );
      ticksBefore = ticks;
      placedBefore = traffic.placed;
      skippedBefore = traffic.skipped;
      memory.push(memoryOf(window));
      window = emptyWindow();
    };

    for (let interval = 1; startedAt + interval * options.intervalSeconds * 1000 <= until + 500; interval++) {
      await sleep(Math.max(0, startedAt + interval * options.intervalSeconds * 1000 - Date.now()), interrupted);
      if (interrupted.aborted) break;
      await report(options.intervalSeconds, clock(interval * options.intervalSeconds));
    }
    await traffic.done;
    await Promise.all(traffic.pays);
    clearInterval(sampler);

    // The traffic stopped: the relays must publish everything, and the last ticks reach the subscribers.
    const drainStarted = Date.now();
    let backlog: number | null = null;
    while (Date.now() - drainStarted < options.drainSeconds * 1000) {
      backlog = await sampleStack(urls).then(outboxBacklog, () => null);
      if (backlog === 0) break;
      await sleep(1_000);
    }
    // Ticks still on their way: wait while they keep arriving, within the same drain period.
    for (let last = -1; ticks !== last && Date.now() - drainStarted < options.drainSeconds * 1000;) {
      last = ticks;
      await sleep(3_000);
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const droppedInAll = await sampleStack(urls).then(
      (sample) => String(sample.gateway.slowSubscriberDrops),
      () => '?',
    );
    console.log(
      `after the traffic: outbox backlog ${backlog ?? '?'} (${drainSeconds.toFixed(0)} s of drain); ${traffic.placed} orders placed, ${traffic.skipped} arrivals skipped, ` +
        `live ticks ${ticks} received for ${traffic.placed * subscribers.length} expected (the gateway closed ${droppedInAll} sockets of slow readers); unpaid orders ${(await unpaidOrders(options)) ?? '?'}`,
    );

    const verdicts = judgeSoak({ memory, backlogAfterDrain: backlog, errors: stats.failures });
    for (const verdict of verdicts) console.log(formatVerdict(verdict));
    console.log(machineLine());
    return verdicts.every((verdict) => verdict.passed) ? 0 : 1;
  } finally {
    await inBatches(subscribers.length, 100, (index) => subscribers[index]!.close());
    await http.close();
    await stack.stop();
    await redis.close();
  }
}

process.exitCode = await main();
