// npm run bench:activity -- --checkout-rate 20 --steps 1000,2500,5000,7500,10000 --phase 15
// Behaviour events through the gateway at a rising rate while checkout runs at a fixed rate: events accepted per
// second and their p99, checkout beside phases without events in the same run, and how far liveVisitors and
// funnelStats trail the events. RTC runs as a child process on databases of its own (rtc_bench_activity_*).
import { randomBytes } from 'node:crypto';
import { createFigureLag, type FigureLag } from './activity/figure-lag';
import { activityBenchUsage, parseActivityBenchOptions, UsageError, type ActivityBenchOptions } from './activity/options';
import { createSyntheticSessions } from './activity/synthetic-sessions';
import { abortOnInterrupt } from './harness/bench-cli';
import { startChildStack, StackStartError, stackPorts, type ChildStack } from './harness/child-stack';
import { createGraphQLHttp, GraphQLRequestError, type GraphQLHttp } from './harness/graphql-http';
import { createLatencyRecorder, median, type LatencySummary } from './harness/latency';
import { logIn, logInCustomers, type Customer } from './harness/log-in';
import { machineLine } from './harness/machine';
import { openLoop, sleep } from './harness/open-loop';
import { sellableProducts, storeDatabases, topUpStock } from './harness/store-setup';
import { openSubscriber } from './live/ws-subscriber';
import { MAX_EVENTS_PER_BATCH } from './simulation/behaviour-events';

const databasePrefix = 'rtc_bench_activity_';
const stockFloor = 100_000;
// How long a phase's figures may take to catch up before its unseen batches count as behind.
const CATCH_UP_MS = 5_000;
const LIVE_VISITORS_POLL_MS = 200;
const targets = { eventsPerSecond: 5_000, checkoutSlowdown: 0.05, lagMs: 2_000 };

const trackEventsMutation = /* GraphQL */ `
  mutation BenchTrackEvents($input: TrackEventsInput!) {
    trackEvents(input: $input) { accepted duplicates errors { code message } }
  }
`;
const placeOrderMutation = /* GraphQL */ `
  mutation BenchPlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) { order { id } errors { code message } }
  }
`;
const liveVisitorsQuery = 'query BenchLiveVisitors { liveVisitors { at activeSessions } }';
const funnelStatsSubscription = 'subscription BenchFunnelStats { funnelStats(windowSeconds: 300) { at visitors { activeSessions } } }';

interface PhaseFigures {
  readonly label: string;
  readonly targetEventsPerSecond: number;
  readonly eventsAcceptedPerSecond: number;
  readonly trackEvents: LatencySummary;
  readonly batchesSkipped: number;
  readonly checkoutPerSecond: number;
  readonly checkout: LatencySummary;
  readonly failures: ReadonlyMap<string, number>;
  readonly funnelLag: LatencySummary;
  readonly visitorsLag: LatencySummary;
  /** Batches neither figure had shown CATCH_UP_MS after the phase. */
  readonly funnelBehind: number;
  readonly visitorsBehind: number;
  readonly serverCores: number | undefined;
}

function codeOf(error: unknown): string {
  if (error instanceof GraphQLRequestError) return error.code;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `NETWORK_${code}` : 'CLIENT_ERROR';
}

function summaryOf(samples: readonly number[]): LatencySummary {
  const recorder = createLatencyRecorder();
  for (const sample of samples) recorder.record(sample);
  return recorder.summary();
}

/** The live figures the phases read: the latest visitor count each shows, and the lag trackers fed by them. */
function watchFigures(stack: ChildStack, http: GraphQLHttp, analystToken: string) {
  const latest = { funnel: NaN, visitors: NaN };
  const lags: { funnel: FigureLag | null; visitors: FigureLag | null } = { funnel: null, visitors: null };
  let problems = 0;
  const subscriber = openSubscriber({
    url: stack.graphqlUrl,
    token: analystToken,
    query: funnelStatsSubscription,
    onNext: (message) => {
      const stats = (JSON.parse(message) as { payload?: { data?: { funnelStats?: { visitors: { activeSessions: number } } } } }).payload?.data?.funnelStats;
      if (!stats) return void (problems += 1);
      latest.funnel = stats.visitors.activeSessions;
      lags.funnel?.observed(latest.funnel, Date.now());
    },
  });
  let polling = true;
  const poll = (async () => {
    while (polling) {
      try {
        const { liveVisitors } = await http.request<{ liveVisitors: { activeSessions: number } }>(liveVisitorsQuery, {}, analystToken);
        latest.visitors = liveVisitors.activeSessions;
        lags.visitors?.observed(latest.visitors, Date.now());
      } catch {
        problems += 1;
      }
      await sleep(LIVE_VISITORS_POLL_MS);
    }
  })();
  return {
    ready: subscriber.ready,
    latest,
    lags,
    get problems() {
      return problems;
    },
    async close() {
      polling = false;
      await poll;
      await subscriber.close();
    },
  };
}

async function main(): Promise<number> {
  let options: ActivityBenchOptions | null;
  try {
    options = parseActivityBenchOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${activityBenchUsage}`);
    return 2;
  }
  if (!options) {
    console.log(activityBenchUsage);
    return 0;
  }
  const signal = abortOnInterrupt('phase');
  console.log(machineLine());
  const ports = stackPorts(options.basePort);
  console.log(`starting RTC (${options.topology}) on 127.0.0.1:${ports.gateway}-${ports.activity} (databases ${databasePrefix}*, seeded on the first run)`);
  let stack: ChildStack;
  try {
    stack = await startChildStack({ databaseUrl: options.databaseUrl, databasePrefix, ports, topology: options.topology });
  } catch (error) {
    if (!(error instanceof StackStartError)) throw error;
    console.error(error.message);
    return 1;
  }
  const http = createGraphQLHttp(stack.graphqlUrl, { connections: 16 });
  // Events on connections of their own, as storefront browsers are other clients than checkout: a batch waiting
  // for a connection must never hold up an order in this process.
  const eventsHttp = createGraphQLHttp(stack.graphqlUrl, { connections: options.maxBatchesInFlight });
  let figures: ReturnType<typeof watchFigures> | undefined;
  try {
    const databases = storeDatabases(databasePrefix);
    const productIds = await sellableProducts(options.databaseUrl, databases);
    await topUpStock(options.databaseUrl, databases, productIds, stockFloor);
    const analyst = await logIn(http, 'analyst@rtc.example', 'rtc-analyst-password');
    const customers = await logInCustomers(http, { count: 20 });
    const nextBatch = createSyntheticSessions(productIds.map(String));
    figures = watchFigures(stack, http, analyst.token);
    await figures.ready;
    while (!Number.isFinite(figures.latest.visitors)) {
      if (figures.problems > 20) throw new Error('liveVisitors cannot be read: is the activity service part of this stack?');
      await sleep(100);
    }

    const runId = randomBytes(4).toString('hex');
    let orderNumber = 0;
    const placeOrder = (customer: Customer) =>
      http.request(
        placeOrderMutation,
        {
          input: {
            lines: [{ productId: String(productIds[orderNumber % productIds.length]), quantity: 1 }],
            idempotencyKey: `bench-activity-${runId}-${orderNumber++}`,
          },
        },
        customer.token,
      );

    const runPhase = async (label: string, eventsPerSecond: number, seconds: number): Promise<PhaseFigures> => {
      const until = Date.now() + seconds * 1000;
      const checkout = createLatencyRecorder();
      const trackEvents = createLatencyRecorder();
      const failures = new Map<string, number>();
      const fail = (operation: 'checkout' | 'trackEvents', error: unknown) => {
        const key = `${operation} ${codeOf(error)}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      };
      let accepted = 0;
      let skipped = 0;
      let sessionsSent = 0;
      // Before funnelStats' first push, what liveVisitors shows is the same count.
      const funnelLag = createFigureLag(Number.isFinite(figures!.latest.funnel) ? figures!.latest.funnel : figures!.latest.visitors);
      const visitorsLag = createFigureLag(figures!.latest.visitors);
      figures!.lags.funnel = funnelLag;
      figures!.lags.visitors = visitorsLag;
      const cpuBefore = stack.cpuMs();
      const started = performance.now();

      const checkoutLoop = openLoop(
        options.checkoutRate,
        until,
        signal,
        Math.max(16, options.checkoutRate * 4),
        async (n) => {
          const begun = performance.now();
          try {
            await placeOrder(customers[n % customers.length]!);
            checkout.record(performance.now() - begun);
          } catch (error) {
            fail('checkout', error);
          }
        },
        () => undefined,
      );
      const eventLoop = openLoop(
        eventsPerSecond / MAX_EVENTS_PER_BATCH,
        until,
        signal,
        options.maxBatchesInFlight,
        async () => {
          const batch = nextBatch();
          sessionsSent += batch.sessions;
          const sentAt = Date.now();
          funnelLag.sent(sessionsSent, sentAt);
          visitorsLag.sent(sessionsSent, sentAt);
          const begun = performance.now();
          try {
            const answer = await eventsHttp.request<{ trackEvents: { accepted: number } }>(trackEventsMutation, { input: { events: batch.events } });
            trackEvents.record(performance.now() - begun);
            accepted += answer.trackEvents.accepted;
          } catch (error) {
            fail('trackEvents', error);
          }
        },
        () => void (skipped += 1),
      );
      await Promise.all([checkoutLoop, eventLoop]);
      const elapsedSeconds = (performance.now() - started) / 1000;
      const cpuAfter = stack.cpuMs();
      if (eventsPerSecond > 0) {
        for (const waitUntil = Date.now() + CATCH_UP_MS; Date.now() < waitUntil && (funnelLag.behind > 0 || visitorsLag.behind > 0);) await sleep(100);
      }
      figures!.lags.funnel = null;
      figures!.lags.visitors = null;
      return {
        label,
        targetEventsPerSecond: eventsPerSecond,
        eventsAcceptedPerSecond: accepted / elapsedSeconds,
        trackEvents: trackEvents.summary(),
        batchesSkipped: skipped,
        checkoutPerSecond: checkout.count / elapsedSeconds,
        checkout: checkout.summary(),
        failures,
        funnelLag: summaryOf(funnelLag.samples),
        visitorsLag: summaryOf(visitorsLag.samples),
        funnelBehind: funnelLag.behind,
        visitorsBehind: visitorsLag.behind,
        serverCores: cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / 1000 / elapsedSeconds : undefined,
      };
    };

    const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : '-');
    const print = (phase: PhaseFigures) => {
      const failed = [...phase.failures].map(([code, count]) => `${code}=${count}`).join(',') || '0';
      console.log(
        `${phase.label.padEnd(16)} events/s ${String(phase.targetEventsPerSecond).padStart(6)} -> accepted ${phase.eventsAcceptedPerSecond.toFixed(0).padStart(6)}` +
          ` (trackEvents p50 ${ms(phase.trackEvents.p50)} ms, p99 ${ms(phase.trackEvents.p99)} ms${phase.batchesSkipped > 0 ? `, ${phase.batchesSkipped} batches skipped` : ''})` +
          `  checkout ${phase.checkoutPerSecond.toFixed(1)}/s p50 ${ms(phase.checkout.p50)} ms p99 ${ms(phase.checkout.p99)} ms` +
          `  lag funnelStats p50/p99 ${ms(phase.funnelLag.p50)}/${ms(phase.funnelLag.p99)} ms${phase.funnelBehind > 0 ? ` (${phase.funnelBehind} batches unseen)` : ''}` +
          `, liveVisitors ${ms(phase.visitorsLag.p50)}/${ms(phase.visitorsLag.p99)} ms${phase.visitorsBehind > 0 ? ` (${phase.visitorsBehind} unseen)` : ''}` +
          `  failed ${failed}${phase.serverCores !== undefined ? `  RTC ${phase.serverCores.toFixed(2)} cores` : ''}`,
      );
    };

    console.log(
      `checkout at ${options.checkoutRate} orders/s all along; events rising ${options.steps.join(', ')} /s, ${options.phaseSeconds} s a phase, ` +
        `between phases without events`,
    );
    if (options.warmupSeconds > 0) print(await runPhase('warm-up', options.steps[0]!, options.warmupSeconds));
    const without: PhaseFigures[] = [await runPhase('no events', 0, options.phaseSeconds)];
    print(without[0]!);
    const rising: PhaseFigures[] = [];
    for (const step of options.steps) {
      if (signal.aborted) break;
      const phase = await runPhase(`${step} events/s`, step, options.phaseSeconds);
      rising.push(phase);
      print(phase);
    }
    if (!signal.aborted) {
      without.push(await runPhase('no events again', 0, options.phaseSeconds));
      print(without[1]!);
    }

    const baseline = {
      perSecond: median(without.map((phase) => phase.checkoutPerSecond)),
      p50: median(without.map((phase) => phase.checkout.p50)),
    };
    console.log(
      `\nsummary (checkout without events: ${baseline.perSecond.toFixed(1)} orders/s, p50 ${ms(baseline.p50)} ms, median of the phases before and after)`,
    );
    for (const phase of rising) {
      const throughput = phase.checkoutPerSecond / baseline.perSecond;
      const latency = phase.checkout.p50 / baseline.p50;
      const lag = Math.max(phase.funnelLag.p99, phase.visitorsLag.p99);
      console.log(
        `  ${phase.label.padEnd(16)} accepted ${phase.eventsAcceptedPerSecond.toFixed(0).padStart(6)}/s, p99 ${ms(phase.trackEvents.p99)} ms; ` +
          `checkout ${throughput.toFixed(3)}x the throughput, ${latency.toFixed(2)}x the p50 latency; live figures p99 ${ms(lag)} ms behind`,
      );
    }
    const reached = rising.filter((phase) => phase.eventsAcceptedPerSecond >= 0.95 * phase.targetEventsPerSecond && phase.failures.size === 0).at(-1);
    if (reached) {
      const slowdown = 1 - reached.checkoutPerSecond / baseline.perSecond;
      const lag = Math.max(reached.funnelLag.p99, reached.visitorsLag.p99);
      console.log(
        `  highest rate fully accepted: ${reached.eventsAcceptedPerSecond.toFixed(0)} events/s (target ${targets.eventsPerSecond}); ` +
          `checkout ${(slowdown * 100).toFixed(1)} % slower (target <= ${targets.checkoutSlowdown * 100} %); live figures p99 ${ms(lag)} ms behind (target <= ${targets.lagMs} ms)`,
      );
    } else console.log('  no phase had all its events accepted');
    if (figures.problems > 0) console.log(`  ${figures.problems} live-figure reads failed`);
    console.log(`  ${machineLine()}`);
    return 0;
  } finally {
    await figures?.close().catch(() => undefined);
    await Promise.all([http.close(), eventsHttp.close()]);
    await stack.stop();
  }
}

process.exit(await main());
