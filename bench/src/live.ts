// npm run bench:live -- --subscribers 2000 --rate 20 --duration 30 --operations 2 --cycles 10000 [--ramp 5]
//   [--coalesce] [--threads 2] [--generator-nice 0] [--topology process-per-service --gateway-workers 2] [--no-subgraph-thread]
// Holds N graphql-ws subscribers on salesTicks (federated selections) while orders are placed at R per second,
// then measures commit-to-receipt latency, resolutions per event and the gateway's memory over connect/disconnect
// cycles. RTC runs as a child process on its own databases (prefix rtc_live_) and loopback ports; the subscribers
// run in worker threads of their own, apart from the thread that places orders.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from 'mysql2/promise';
import { startChildStack, stackPorts } from './harness/child-stack';
import { createGraphQLHttp } from './harness/graphql-http';
import { formatSummary, monotonicMicros, readMainProfile, summarizeProfile, type TimeWindow } from './harness/cpu-profile';
import { createLatencyRecorder } from './harness/latency';
import { logIn, logInCustomers } from './harness/log-in';
import { machineLine } from './harness/machine';
import { sampleValue, scrape } from './live/prometheus-text';
import { startPrivateRedis } from '@rtc/testkit';
import { startSubscriberPool } from './live/subscriber-pool';
import { inBatches, openSubscriber } from './live/ws-subscriber';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '30' },
    operations: { type: 'string', default: '2' },
    cycles: { type: 'string', default: '10000' },
    // Seconds of orders placed at the same rate before the measured ones, their deliveries counted and not timed: a
    // freshly started RTC compiles its hot paths and fills its caches during its first seconds of load.
    ramp: { type: 'string', default: '5' },
    sample: { type: 'string', default: '10' },
    'base-port': { type: 'string', default: '4200' },
    database: { type: 'string', default: 'mysql://root@127.0.0.1:3306' },
    'database-prefix': { type: 'string', default: 'rtc_live_' },
    // Subscribers ask for salesTicks(coalesce: true): one falling behind gets its pending ticks in one message.
    coalesce: { type: 'boolean', default: false },
    threads: { type: 'string', default: '2' },
    // The subscriber threads' nice value: above 0 they yield the cores to the RTC they measure when both want them;
    // a subscriber starved by it reads late, which the figures count against RTC, never for it.
    'generator-nice': { type: 'string', default: '0' },
    // process-per-service runs each service in its own process over a Redis of the run's own, the gateway as --gateway-workers processes.
    topology: { type: 'string', default: 'single-process' },
    'gateway-workers': { type: 'string', default: '1' },
    // The single process's subgraphs on the gateway's own thread instead of a worker thread of their own.
    'no-subgraph-thread': { type: 'boolean', default: false },
    // Writes RTC's CPU profile into a folder of DIR and prints where the time went while orders were placed.
    profile: { type: 'string' },
  },
});
const subscriberCount = Number(args.subscribers);
const rate = Number(args.rate);
const durationSeconds = Number(args.duration);
const cycles = Number(args.cycles);
const rampSeconds = Number(args.ramp);
const sampleEvery = Number(args.sample);
const prefix = args['database-prefix']!;
const threads = Number(args.threads);
const generatorNice = Number(args['generator-nice']);
const topology = args.topology === 'process-per-service' ? 'process-per-service' : 'single-process';
const gatewayWorkers = Number(args['gateway-workers']);
if (!(threads >= 1) || !(gatewayWorkers >= 1) || !(rampSeconds >= 0) || !(generatorNice >= 0 && generatorNice <= 19) || args.topology !== topology) {
  console.error(
    '--threads and --gateway-workers must be 1 or more, --ramp 0 or more, --generator-nice 0 to 19, --topology single-process or process-per-service',
  );
  process.exit(2);
}
if (gatewayWorkers > 1 && topology !== 'process-per-service') {
  console.error('--gateway-workers needs --topology process-per-service (the workers share the Redis event log)');
  process.exit(2);
}

// Distinct operations: each is one group at the gateway, so one federated resolution per event.
const operations = [
  'subscription A { salesTicks { at order { id total { amount currency } user { name } lines { quantity product { name category { name } stock { available } } } } } }',
  'subscription B { salesTicks { at order { id itemCount lines { product { name } } } } }',
  'subscription C { salesTicks { at order { id status total { amount } } } }',
  'subscription D { salesTicks { at order { id user { name } } } }',
]
  .slice(0, Math.max(1, Math.min(4, Number(args.operations))))
  // Coalescing subscribers select their ticks under `ticks`, each with its own order and time.
  .map((operation) => (args.coalesce ? operation.replace(/salesTicks \{ (.*) \} \}$/, 'salesTicks(coalesce: true) { ticks { $1 } } }') : operation));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

console.log(machineLine());
const profileDir = args.profile ? resolve(args.profile, `live-${Date.now()}`) : undefined;
if (profileDir) await mkdir(profileDir, { recursive: true });
// One process per service meets on a Redis of the run's own: nothing else's events reach its subscribers.
const redis = topology === 'process-per-service' ? await startPrivateRedis({ port: Number(args['base-port']) + 6 }) : undefined;
const stack = await startChildStack({
  databaseUrl: args.database!,
  databasePrefix: prefix,
  ports: stackPorts(Number(args['base-port'])),
  topology,
  subgraphThread: !args['no-subgraph-thread'],
  ...(redis ? { redisUrl: redis.url } : {}),
  ...(gatewayWorkers > 1 ? { gatewayWorkers } : {}),
  ...(profileDir ? { cpuProfileDir: profileDir } : {}),
});
let ordersWindow: TimeWindow | undefined;
let ordersCpuMs: number | undefined;
const metricsUrl = `${stack.gatewayUrl}/metrics`;
const http = createGraphQLHttp(stack.graphqlUrl, { connections: 8 });
process.once('SIGINT', () => void stack.stop().then(() => process.exit(130)));

try {
  // Bench setup only: plenty of stock, so no order fails for want of it.
  const inventory = createPool({ uri: `${args.database}/${prefix}inventory`, connectionLimit: 1 });
  await inventory.query('UPDATE stock SET on_hand = on_hand + 100000, available = available + 100000');
  await inventory.end();

  const analyst = await logIn(http, 'analyst@rtc.example', 'rtc-analyst-password');
  const customers = await logInCustomers(http, { count: 20 });
  const { products } = await http.request<{ products: { edges: { node: { id: string } }[] } }>('{ products(first: 50) { edges { node { id } } } }');
  const productIds = products.edges.map((edge) => edge.node.id);

  // 1. Subscribers.
  let latency = createLatencyRecorder();
  const pool = await startSubscriberPool({
    url: stack.graphqlUrl,
    token: analyst.token,
    operations,
    subscribers: subscriberCount,
    threads,
    sampleEvery,
    nice: generatorNice,
  });
  let received = 0;
  let messages = 0;
  let bytes = 0;
  let duplicates = 0;
  let closedEarly = 0;
  let refused = 0;
  let lastReceivedAt = 0;
  const collect = async () => {
    const report = await pool.report();
    ({ received, messages, bytes, duplicates, closedEarly, refused, lastReceivedAt } = report);
    for (const ms of report.latencies) latency.record(Math.max(0, ms));
  };
  let placed = 0;
  let failed = 0;
  /** Places `count` orders at `rate` per second from now on (open loop: a slow answer does not slow the schedule). */
  const placeOrders = async (count: number, label: string) => {
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let n = 0; n < count; n++) {
      const due = started + (n * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const customer = customers[n % customers.length]!;
      const lines = [{ productId: productIds[(n * 7) % productIds.length]!, quantity: 1 + (n % 3) }];
      inFlight.push(
        http
          .request(
            'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { id } errors { code message } } }',
            { input: { lines, idempotencyKey: `live-${label}-${started}-${n}` } },
            customer.token,
          )
          .then(
            () => void (placed += 1),
            () => void (failed += 1),
          ),
      );
    }
    await Promise.all(inFlight);
  };
  await sleep(1_000);
  await collect();
  if (rampSeconds > 0) {
    await placeOrders(Math.round(rate * rampSeconds), 'ramp');
    const expected = received + placed * subscriberCount;
    for (const deadline = Date.now() + 30_000; received < expected && Date.now() < deadline;) {
      await sleep(250);
      await collect();
    }
    console.log(
      `ramp: ${placed} orders in ${rampSeconds} s (${failed} failed), their updates ${received >= expected ? 'all received' : 'not all received within 30 s'}`,
    );
    placed = 0;
    failed = 0;
    latency = createLatencyRecorder();
  }
  const receivedBefore = received;
  const messagesBefore = messages;
  const bytesBefore = bytes;
  const before = await scrape(metricsUrl);
  console.log(
    `live: ${subscriberCount} subscribers on ${operations.length} distinct operations${args.coalesce ? ' (coalesce: true)' : ''} in ${threads} threads at nice ${generatorNice}; ` +
      `RTC ${topology}${gatewayWorkers > 1 ? `, gateway of ${gatewayWorkers} workers` : ''}${topology === 'single-process' ? (args['no-subgraph-thread'] ? ', subgraphs on the gateway thread' : ', subgraphs in a worker thread') : ''}; placing ${rate} orders/s for ${durationSeconds} s` +
      (rampSeconds > 0 ? ` after ${rampSeconds} s of them unmeasured` : ''),
  );

  // 2. Orders at a fixed rate.
  const windowFrom = monotonicMicros();
  const cpuBefore = stack.cpuMs();
  const loadCpuBefore = process.cpuUsage();
  await placeOrders(rate * durationSeconds, 'measured');
  // A gateway that fell behind is still sending: wait until nothing more arrives for 2 s, so what is counted as
  // undelivered was really not sent, and say how long the backlog took to clear.
  const lastOrderAt = Date.now();
  for (let seen = -1; seen !== received && Date.now() - lastOrderAt < 120_000;) {
    seen = received;
    await sleep(2_000);
    await collect();
  }
  received -= receivedBefore;
  messages -= messagesBefore;
  bytes -= bytesBefore;
  const drainedMs = lastReceivedAt - lastOrderAt;
  ordersWindow = { fromUs: windowFrom, toUs: monotonicMicros() };
  const cpuAfter = stack.cpuMs();
  const loadCpu = process.cpuUsage(loadCpuBefore);
  if (cpuBefore !== undefined && cpuAfter !== undefined) ordersCpuMs = cpuAfter - cpuBefore;
  const after = await scrape(metricsUrl);
  const resolutions =
    sampleValue(after, 'rtc_gateway_subscription_resolutions_total', { field: 'salesTicks' }) -
    sampleValue(before, 'rtc_gateway_subscription_resolutions_total', { field: 'salesTicks' });
  const delivered =
    sampleValue(after, 'rtc_gateway_events_delivered_total', { field: 'salesTicks' }) -
    sampleValue(before, 'rtc_gateway_events_delivered_total', { field: 'salesTicks' });
  const summary = latency.summary();
  console.log(`  orders placed ${placed}, failed ${failed}`);
  console.log(
    `  delivery latency commit->receipt: p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms, max ${summary.max.toFixed(1)} ms (${summary.count} samples)`,
  );
  const entityQueries =
    sampleValue(after, 'rtc_gateway_subscription_entity_queries_total') - sampleValue(before, 'rtc_gateway_subscription_entity_queries_total');
  console.log(
    `  resolutions per event: ${(resolutions / Math.max(1, placed)).toFixed(2)} (distinct operations: ${operations.length}), in ${(entityQueries / Math.max(1, placed)).toFixed(2)} gateway queries per event`,
  );
  console.log(`  updates delivered by the gateway ${delivered}, received ${received}, expected ${placed * subscriberCount}`);
  console.log(
    `  in ${messages} messages (${(received / Math.max(1, messages)).toFixed(2)} updates each, ${(bytes / Math.max(1, messages)).toFixed(0)} bytes each on average)`,
  );
  console.log(`  sampled subscribers: ${duplicates} duplicate ticks; sockets closed by the gateway: ${closedEarly}; subscriptions refused: ${refused}`);
  console.log(`  last update received ${(Math.max(0, drainedMs) / 1000).toFixed(2)} s after the last order was answered`);
  if (ordersCpuMs !== undefined) {
    console.log(
      `  RTC CPU while orders were placed: ${(ordersCpuMs / 1000).toFixed(1)} s, ${((ordersCpuMs * 1000) / Math.max(1, received)).toFixed(1)} µs per update received`,
    );
  }
  // The benchmark's own CPU (its subscriber threads above all) shares the machine with RTC: near saturation, queueing grows fast.
  const loadCpuMs = (loadCpu.user + loadCpu.system) / 1000;
  console.log(
    `  load generator CPU meanwhile: ${(loadCpuMs / 1000).toFixed(1)} s, ${((loadCpuMs * 1000) / Math.max(1, received)).toFixed(1)} µs per update received`,
  );
  await pool.close();

  // 3. Memory over connect/disconnect cycles, in two halves: a leak grows the heap again in the second half,
  // while a flat service only returns to the level the first half warmed it up to.
  // Heap used swings by up to the young generation's size (--max-semi-space-size=64, per gateway process) with no
  // leak at all, so each point also reads the old generation, lowest over 5 s of samples: what survives collection.
  const heap = (text: string) => sampleValue(text, 'nodejs_heap_size_used_bytes');
  const oldSpace = (text: string) => sampleValue(text, 'nodejs_heap_space_size_used_bytes', { space: 'old' });
  const rss = (text: string) => sampleValue(text, 'process_resident_memory_bytes');
  const settled = async () => {
    let lowest = Number.POSITIVE_INFINITY;
    let text = '';
    for (let sample = 0; sample < 10; sample++) {
      await sleep(500);
      const next = await scrape(metricsUrl);
      if (oldSpace(next) < lowest) lowest = oldSpace((text = next));
    }
    return text;
  };
  const baseline = await settled();
  const cycleStart = Date.now();
  const halves: string[] = [];
  for (const half of [0, 1]) {
    await inBatches(cycles / 2, 50, async (index) => {
      const subscriber = openSubscriber({
        url: stack.graphqlUrl,
        token: analyst.token,
        query: operations[(index + half) % operations.length]!,
        onNext: () => undefined,
      });
      await subscriber.ready;
      await subscriber.close();
    });
    halves.push(await settled());
  }
  const [afterFirst, afterSecond] = halves as [string, string];
  console.log(`  ${cycles} connect/subscribe/disconnect cycles in ${((Date.now() - cycleStart) / 1000).toFixed(1)} s`);
  console.log(
    `  gateway heap used: before ${mb(heap(baseline))}, after ${cycles / 2} cycles ${mb(heap(afterFirst))}, after ${cycles} ${mb(heap(afterSecond))}` +
      ` (second half ${heap(afterSecond) - heap(afterFirst) >= 0 ? '+' : ''}${mb(heap(afterSecond) - heap(afterFirst))})`,
  );
  console.log(
    `  old generation used (lowest of 10 samples): before ${mb(oldSpace(baseline))}, after ${cycles / 2} cycles ${mb(oldSpace(afterFirst))}, after ${cycles} ${mb(oldSpace(afterSecond))}` +
      ` (second half ${oldSpace(afterSecond) - oldSpace(afterFirst) >= 0 ? '+' : ''}${mb(oldSpace(afterSecond) - oldSpace(afterFirst))})`,
  );
  console.log(`  RSS: before ${mb(rss(baseline))}, after ${cycles / 2} cycles ${mb(rss(afterFirst))}, after ${cycles} ${mb(rss(afterSecond))}`);
  console.log(
    `  open sockets after: ${sampleValue(afterSecond, 'rtc_gateway_websocket_connections')}, active subscriptions: ${sampleValue(afterSecond, 'rtc_gateway_subscriptions')}`,
  );
  console.log(`  ${machineLine()}`);
} finally {
  await http.close();
  const code = await stack.stop();
  await redis?.close();
  if (profileDir) {
    const { file, profile } = await readMainProfile(profileDir);
    const summary = summarizeProfile(profile, { top: 25, ...(ordersWindow ? { windows: [ordersWindow] } : {}) });
    console.log(`\nRTC CPU profile (exit ${code}) ${ordersWindow ? 'while orders were placed' : 'of the whole run'}: ${file}\n${formatSummary(summary)}`);
  }
}
