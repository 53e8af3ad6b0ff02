import { randomBytes } from 'node:crypto';
import { nextArrivalGapMs } from './arrivals';
import { createBasketMaker, type BasketLine } from './basket';
import { behaviourEventOf, createEventBatcher, type BehaviourEventInput } from './behaviour-events';
import { planBrowsingSession, purchaseProbability } from './browsing-session';
import { loadProductsByPopularity } from './catalog';
import type { OperationResult, RunOperation } from './gateway-client';
import { cancelOrder, payOrder, placeOrder, restock, trackEvents, type PlaceOrderData, type TrackEventsData } from './operations';
import type { SimulationOptions } from './options';
import { createRandom, type Random } from './random';
import { createRestockPlanner } from './restock-planner';
import { addReport, countFailure, emptyReport, formatReportLine, percentile, type SecondReport } from './second-report';
import { createSessions, LogInError } from './sessions';
import { createWeightedPicker, zipfWeights } from './weighted';

export interface SimulationDeps {
  readonly run: RunOperation;
  readonly log: (line: string) => void;
  /** Aborting stops the run early, as Ctrl-C does. */
  readonly signal?: AbortSignal;
}

export interface SimulationSummary {
  readonly seconds: number;
  readonly total: SecondReport;
}

// Repeat buyers: a few customers order far more often than most.
const CUSTOMER_ZIPF_EXPONENT = 0.7;
const PRODUCT_ZIPF_EXPONENT = 1.0;
const RESTOCK_COOLDOWN_MS = 10_000;
const DRAIN_TIMEOUT_MS = 5_000;
// A storefront's collector sends what it gathered at least this often; full batches of 100 go at once.
const EVENT_BATCH_DELAY_MS = 250;
const unanswered = new Set(['NETWORK', 'TIMEOUT']);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const between = (random: Random, minMs: number, maxMs: number) => minMs + random.next() * (maxMs - minMs);

/**
 * Shoppers of the seeded store placing orders at `rate` per second through the gateway: popular products and
 * loyal customers more often, most orders paid, a few cancelled, sold-out products restocked by the admin.
 * With browsing on, every order ends a browsing session, and sessions that drop off on the way start beside them,
 * so that `rate` orders per second come out of the funnel; their behaviour events go out with trackEvents.
 * Prints one line per second and returns the run's totals.
 */
export async function runSimulation(options: SimulationOptions, { run, log, signal }: SimulationDeps): Promise<SimulationSummary> {
  const random = createRandom(options.seed);
  const sessions = createSessions(run);
  // A run repeated with one --seed repeats its choices, not its idempotency keys: a key reused with another basket is refused.
  const runId = randomBytes(4).toString('hex');
  const adminToken = () => sessions.tokenFor(options.adminEmail, options.adminPassword);
  await adminToken();
  const products = await loadProductsByPopularity(run, await adminToken(), options.products, random);
  if (products.length === 0) throw new Error('the catalog has no product on sale: seed the store first (npm start seeds an empty database)');
  const shape = options.browsing;
  const arrivalsPerSecond = shape ? options.rate / purchaseProbability(shape) : options.rate;
  log(
    `simulating ${options.rate} orders/s${shape ? ` out of ${arrivalsPerSecond.toFixed(1)} browsing sessions/s` : ''} against ${options.gatewayUrl.origin} for ${options.durationSeconds === null ? 'as long as you let it (Ctrl-C stops)' : `${options.durationSeconds} s`}: ` +
      `${products.length} products, ${options.customers} customers, seed ${options.seed}`,
  );

  const pickProduct = createWeightedPicker(zipfWeights(products.length, PRODUCT_ZIPF_EXPONENT), random);
  const makeBasket = createBasketMaker(random, () => products[pickProduct()]!.id, products.length);
  const pickCustomer = createWeightedPicker(zipfWeights(options.customers, CUSTOMER_ZIPF_EXPONENT), random);
  const restocks = createRestockPlanner(RESTOCK_COOLDOWN_MS);

  let second = emptyReport();
  const total = emptyReport();
  let inFlight = 0;
  let arrivals = 0;
  const followUps = new Set<ReturnType<typeof setTimeout>>();
  const pending = new Set<Promise<void>>();

  const track = (work: () => Promise<void>) => {
    inFlight++;
    const promise = work()
      .catch((error: unknown) => countFailure(second, error instanceof LogInError ? 'LOG_IN' : 'CLIENT'))
      .finally(() => {
        inFlight--;
        pending.delete(promise);
      });
    pending.add(promise);
  };
  // Set when the run ends: work still in flight then (a checkout awaiting its events) starts nothing more.
  let ended = false;
  const later = (delayMs: number, work: () => Promise<void>) => {
    if (ended) return;
    const timer = setTimeout(() => {
      followUps.delete(timer);
      track(work);
    }, delayMs);
    followUps.add(timer);
  };

  const restockSoldOut = (productIds: readonly string[]) => {
    for (const productId of restocks.due(productIds, Date.now())) {
      track(async () => {
        const input = { productId, quantity: random.int(40, 200), reason: 'simulated delivery after selling out' };
        const result = await run(restock, { input }, await adminToken());
        if (result.ok) second.restocked++;
        else {
          restocks.failed(productId);
          countFailure(second, result.error.code);
        }
      });
    }
  };

  const customerAction = (email: string, query: string, orderId: string, counted: 'paid' | 'cancelled', paymentToken?: string) => async () => {
    const token = await sessions.tokenFor(email, options.customerPassword);
    const result = await run(query, { input: { orderId, ...(paymentToken ? { paymentToken } : {}) } }, token);
    if (result.ok) second[counted]++;
    else {
      countFailure(second, result.error.code);
      if (result.error.code === 'UNAUTHENTICATED') sessions.forget(email);
    }
  };

  const countEvents = (result: OperationResult<TrackEventsData>) => {
    if (result.ok) second.events += result.data.trackEvents.accepted;
    else countFailure(second, result.error.code);
  };
  const sendEvents = async (events: BehaviourEventInput[], token?: string) =>
    countEvents(await run<TrackEventsData>(trackEvents, { input: { events } }, token));
  const anonymousEvents = createEventBatcher({ maxDelayMs: EVENT_BATCH_DELAY_MS, send: (events) => sendEvents(events) });

  const placeOne = async (sequence: number, email: string, lines: readonly BasketLine[]) => {
    const token = await sessions.tokenFor(email, options.customerPassword);
    const result = await run<PlaceOrderData>(placeOrder, { input: { lines, idempotencyKey: `sim-${options.seed}-${runId}-${sequence}` } }, token);
    // Latency of answers only: a refused connection fails in a millisecond and would flatter the percentiles.
    if (result.ok || !unanswered.has(result.error.code)) second.latencies.push(result.latencyMs);
    if (!result.ok) {
      countFailure(second, result.error.code);
      if (result.error.code === 'OUT_OF_STOCK') {
        const named = result.error.extensions['productIds'];
        restockSoldOut(Array.isArray(named) ? named.map(String) : lines.map((line) => line.productId));
      }
      if (result.error.code === 'UNAUTHENTICATED') sessions.forget(email);
      return;
    }
    second.placed++;
    const orderId = result.data.placeOrder.order.id;
    // Shoppers who change their mind before paying, and a few who cancel after.
    if (random.chance(options.cancelRate / 2)) {
      later(between(random, 500, 3_000), customerAction(email, cancelOrder, orderId, 'cancelled'));
      return;
    }
    if (!random.chance(options.payRate)) return;
    const declined = random.chance(options.declineRate);
    later(between(random, 200, 2_000), customerAction(email, payOrder, orderId, 'paid', declined ? `tok_decline_sim_${sequence}` : `tok_sim_${sequence}`));
    if (!declined && random.chance(options.cancelRate / 2)) later(between(random, 3_000, 8_000), customerAction(email, cancelOrder, orderId, 'cancelled'));
  };

  /** One shopper's visit, step by step in real time; a buyer logs in to check out and then orders the cart. */
  const browse = (sequence: number) => {
    const plan = planBrowsingSession(random, shape!, () => products[pickProduct()]!);
    const sessionId = `sim-${runId}-${sequence.toString(36).padStart(6, '0')}`;
    const buyer = plan.order ? `customer${pickCustomer() + 1}@example.com` : null;
    second.sessions++;
    for (const step of plan.steps) {
      later(step.afterMs, async () => {
        const event = behaviourEventOf(step, sessionId, new Date());
        if (step.kind !== 'CHECKOUT_STARTED' || !buyer || !plan.order) {
          anonymousEvents.add(event);
          return;
        }
        // Sent with the customer's token, so the session is theirs before their order is placed.
        await sendEvents([event], await sessions.tokenFor(buyer, options.customerPassword));
        const order = plan.order;
        later(Math.max(0, plan.orderAfterMs! - step.afterMs), () => placeOne(sequence, buyer, order));
      });
    }
  };

  const started = Date.now();
  const deadline = options.durationSeconds === null ? Infinity : started + options.durationSeconds * 1000;
  const stopped = () => signal?.aborted === true || Date.now() >= deadline;

  const reporter = setInterval(() => {
    log(formatReportLine(new Date(), second, inFlight));
    addReport(total, second);
    second = emptyReport();
  }, 1_000);

  try {
    let nextArrival = Date.now();
    while (!stopped()) {
      nextArrival += nextArrivalGapMs(arrivalsPerSecond, random);
      const wait = Math.min(nextArrival, deadline) - Date.now();
      if (wait > 0) await sleep(wait, signal);
      if (stopped()) break;
      if (inFlight >= options.maxInFlight) {
        second.skipped++;
        continue;
      }
      const sequence = ++arrivals;
      if (shape) browse(sequence);
      else track(() => placeOne(sequence, `customer${pickCustomer() + 1}@example.com`, makeBasket()));
    }
  } finally {
    ended = true;
    for (const timer of followUps) clearTimeout(timer);
    followUps.clear();
    // Let orders already sent finish so their outcome is counted, but never hang on a stuck gateway.
    const drained = new AbortController();
    const everything = Promise.allSettled([...pending]).then(() => anonymousEvents.flush());
    await Promise.race([everything.then(() => drained.abort()), sleep(DRAIN_TIMEOUT_MS, drained.signal)]);
    drained.abort();
    clearInterval(reporter);
    addReport(total, second);
  }

  const seconds = (Date.now() - started) / 1000;
  const failed = [...total.failed.entries()].map(([code, count]) => `${code}=${count}`).join(', ') || 'none';
  log(
    `done after ${seconds.toFixed(1)} s: ${total.placed} orders placed (${(total.placed / Math.max(seconds, 0.001)).toFixed(2)}/s), ${total.paid} paid, ${total.cancelled} cancelled, ` +
      `${total.restocked} restocks, ${total.skipped} skipped${shape ? `, ${total.sessions} sessions, ${total.events} events accepted` : ''}; failed: ${failed}; placeOrder p50 ${Math.round(percentile(total.latencies, 0.5) ?? 0)} ms, ` +
      `p95 ${Math.round(percentile(total.latencies, 0.95) ?? 0)} ms, p99 ${Math.round(percentile(total.latencies, 0.99) ?? 0)} ms`,
  );
  return { seconds, total };
}
