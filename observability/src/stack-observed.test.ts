import { randomBytes, randomUUID } from 'node:crypto';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from '@rtc/stack/testing';
import { connectLive, failureCodes, postGraphQL, type LiveClient } from '@rtc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observabilityFiles } from './observability-files';
import { evaluatePanels, type PanelEvaluation } from './panel-evaluation';
import { loadPrometheusConfig, pointJobsAt } from './prometheus-config';
import { startPrometheus, waitFor, type RunningPrometheus } from './prometheus-process';
import { lintMetrics } from './promtool';
import { readPanelQueries, readRuleExpressions } from './queries';

// RTC in-process on fresh databases, scraped by a real Prometheus with the local config and rules,
// under a little real traffic: the dashboards and rules are checked against what the services expose.
describe('RTC observed by Prometheus', () => {
  let stack: TestStack;
  let prometheus: RunningPrometheus;
  let live: LiveClient;
  let products: CreatedProduct[];
  let placed = 0;

  const serviceUrls = (): Record<string, string> => ({
    gateway: stack.gatewayUrl,
    users: stack.subgraphs.users.url,
    catalog: stack.subgraphs.catalog.url,
    orders: stack.subgraphs.orders.url,
    inventory: stack.subgraphs.inventory.url,
    activity: stack.subgraphs.activity.url,
  });

  const signUp = async (): Promise<string> => {
    const result = await postGraphQL<{ signUp: { token: string } }>(
      stack.graphqlUrl,
      'mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token errors { code } } }',
      { input: { email: `${randomBytes(6).toString('hex')}@shop.rtc.example`, password: 'a long enough password', name: 'Ada Lovelace' } },
    );
    if (!result.data?.signUp.token) throw new Error(`signUp failed: ${JSON.stringify(result.errors ?? result.data)}`);
    return result.data.signUp.token;
  };

  const buy = async (token: string, lines: { productId: string; quantity: number }[]): Promise<string> => {
    const result = await placeOrder(stack.graphqlUrl, token, lines);
    const order = result.data?.placeOrder.order;
    if (!order) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors ?? result.data)}`);
    placed += 1;
    return order.id;
  };

  const cancel = async (token: string, orderId: string): Promise<void> => {
    const result = await postGraphQL(
      stack.graphqlUrl,
      'mutation Cancel($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id status } errors { code } } }',
      { id: orderId },
      { token },
    );
    if (failureCodes(result).length > 0) throw new Error(`cancelOrder failed: ${JSON.stringify(result.errors ?? result.data)}`);
  };

  const pay = async (token: string, orderId: string): Promise<void> => {
    const result = await postGraphQL(
      stack.graphqlUrl,
      'mutation Pay($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { id status } errors { code } } }',
      { id: orderId },
      { token },
    );
    if (failureCodes(result).length > 0) throw new Error(`payOrder failed: ${JSON.stringify(result.errors ?? result.data)}`);
  };

  let sessions = 0;
  /** A visitor who views the bestseller and puts it in the cart, as a storefront reports it. */
  const browse = async (token?: string): Promise<void> => {
    const sessionId = `observed-${randomBytes(6).toString('hex')}`;
    const productId = products[0]!.id;
    const events = [
      { kind: 'SESSION_STARTED' },
      { kind: 'PRODUCT_VIEWED', productId },
      { kind: 'ADDED_TO_CART', productId, quantity: 1, cartValue: { amount: 1_500, currency: 'USD' } },
    ].map((step) => ({ eventId: randomUUID(), sessionId, occurredAt: new Date().toISOString(), ...step }));
    const result = await postGraphQL(
      stack.graphqlUrl,
      'mutation Track($input: TrackEventsInput!) { trackEvents(input: $input) { accepted errors { code } } }',
      { input: { events } },
      token ? { token } : {},
    );
    if (failureCodes(result).length > 0) throw new Error(`trackEvents failed: ${JSON.stringify(result.errors ?? result.data)}`);
    sessions += 1;
  };

  /** A few minutes of a shop in a few seconds: sign-ups, visitors, orders, a payment, a refunded cancellation, a sell-out. */
  const driveTraffic = async (customer: string): Promise<void> => {
    const [bestseller, scarce] = products;
    await browse();
    await browse(customer);
    await pay(customer, await buy(customer, [{ productId: bestseller!.id, quantity: 3 }]));
    await buy(customer, [
      { productId: bestseller!.id, quantity: 1 },
      { productId: scarce!.id, quantity: 1 },
    ]);
    const regret = await buy(customer, [{ productId: bestseller!.id, quantity: 2 }]);
    await pay(customer, regret);
    await cancel(customer, regret);
  };

  beforeAll(async () => {
    stack = await startTestStack();
    const admin = await stack.createUser('ADMIN');
    // Stock leaves the scarce product at its low-stock threshold and sells the last one out.
    products = await createProducts(stack.graphqlUrl, admin.token, [
      { price: 1_500, stock: 500 },
      { price: 4_200, stock: 11 },
      { price: 990, stock: 1 },
    ]);
    live = connectLive(stack.graphqlUrl, { authorization: `Bearer ${admin.token}` });
    live.subscribe('subscription Ticks { salesTicks { at order { id } } }');

    const customer = await signUp();
    await driveTraffic(customer);
    await buy(customer, [{ productId: products[2]!.id, quantity: 1 }]);

    const local = await loadPrometheusConfig(observabilityFiles.prometheusLocalConfig);
    const hosts = Object.fromEntries(Object.entries(serviceUrls()).map(([job, url]) => [job, new URL(url).host]));
    prometheus = await startPrometheus({
      config: { ...pointJobsAt(local, hosts), global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' } },
    });
    await prometheus.waitForScrapes();

    // Counters must move while Prometheus watches, or increase() and rate() see nothing.
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 2_500));
    await signUp();
    await driveTraffic(customer);
    // Everything below reads what Prometheus holds: let it scrape and evaluate once after the last order.
    const trafficDone = new Date();
    const scraped = await prometheus.waitForScrapes({ since: trafficDone });
    const lastScrape = new Date(Math.max(...scraped.map((target) => new Date(target.lastScrape).getTime())));
    await prometheus.waitForRuleEvaluation({ since: lastScrape });
  }, 120_000);

  afterAll(async () => {
    await live?.dispose();
    await prometheus?.stop();
    await stack?.stop();
  });

  it('scrapes all six services', async () => {
    const targets = await prometheus.activeTargets();
    expect(Object.fromEntries(targets.map((target) => [target.labels.job, target.health]))).toEqual({
      gateway: 'up',
      users: 'up',
      catalog: 'up',
      orders: 'up',
      inventory: 'up',
      activity: 'up',
    });
  });

  it('fills every panel of the business dashboard after the traffic', async () => {
    const queries = (await readPanelQueries()).filter((query) => query.dashboard === 'RTC business');
    let last: PanelEvaluation[] = [];
    const empty = () => last.filter((panel) => panel.series === 0 || panel.errors.length > 0);
    await waitFor('every business panel to return data', 45_000, async () => {
      last = await evaluatePanels(prometheus, queries);
      return empty().length === 0 ? last : undefined;
    }).catch(() => undefined);
    expect(empty().map((panel) => `${panel.panel}: ${panel.errors.join('; ') || 'no data'}`)).toEqual([]);
    expect(last.length).toBeGreaterThanOrEqual(10);
  });

  it('shows the numbers the traffic made', async () => {
    const value = async (expr: string) => Number((await prometheus.vector(expr))[0]?.value[1]);
    // The last scrape may predate the last order by up to a scrape interval.
    await waitFor('the last order to be scraped', 10_000, async () => ((await value('sum(rtc_orders_placed_total)')) === placed ? true : undefined)).catch(
      () => undefined,
    );
    expect(await value('sum(rtc_orders_placed_total)')).toBe(placed);
    expect(await value('sum(rtc_orders_cancelled_total)')).toBe(2);
    // Each round of traffic pays two orders and cancels one of them, so both cancellations were refunds.
    expect(await value('sum(rtc_orders_refunded_total)')).toBe(2);
    expect(await value('sum(rtc_orders_paid_total)')).toBe(4);
    expect(await value('sum(rtc_user_signups_total)')).toBe(2);
    expect(await value('rtc:products_out_of_stock:max')).toBe(1);
    expect(await value('rtc:products_low_stock:max')).toBe(1);
    expect(await value('rtc:activity_funnel_sessions:max{stage="session"}')).toBe(sessions);
    expect(await value('rtc:activity_funnel_sessions:max{stage="cart"}')).toBe(sessions);
    const [top] = await prometheus.vector('rtc_top_product_units_sold{rank="1"}');
    expect(top?.metric.product).toBe(products[0]!.id);
  });

  it('accepts every panel query of both dashboards', async () => {
    const panels = await evaluatePanels(prometheus, await readPanelQueries());
    expect(panels.filter((panel) => panel.errors.length > 0).map((panel) => `${panel.panel}: ${panel.errors.join('; ')}`)).toEqual([]);
  });

  it('fills every panel of the services dashboard too', async () => {
    const queries = (await readPanelQueries()).filter((query) => query.dashboard === 'RTC services');
    const panels = await evaluatePanels(prometheus, queries);
    expect(panels.filter((panel) => panel.series === 0).map((panel) => panel.panel)).toEqual([]);
  });

  it('evaluates every recording and alerting rule without error', async () => {
    const groups = await prometheus.waitForRuleEvaluation();
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.name).sort()).toEqual((await readRuleExpressions()).map((rule) => rule.name).sort());
    expect(rules.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError}`)).toEqual([]);
    for (const rule of await readRuleExpressions()) {
      const answer = await prometheus.query(rule.expr);
      expect(answer.status, `${rule.name}: ${answer.status === 'error' ? answer.error : ''}`).toBe('success');
    }
  });

  it('raises no availability or data alert, not even a pending one, on a healthy stack', async () => {
    const alerts = await prometheus.vector('ALERTS{alertname=~"RtcGatewayDown|RtcSubgraphDown|RtcDatabaseUnreachable|RtcOutboxLag"}');
    expect(alerts.map((alert) => alert.metric)).toEqual([]);
  });

  it("passes promtool check metrics on every service's /metrics", async () => {
    for (const [service, url] of Object.entries(serviceUrls())) {
      const exposition = await (await fetch(`${url}/metrics`)).text();
      expect(await lintMetrics(exposition), service).toEqual([]);
    }
  });
});
