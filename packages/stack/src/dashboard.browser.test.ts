import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureCodes, postGraphQL, queryRows } from '@rtc/testkit';
import { hashPassword } from '@rtc/users';
import { createProducts, placeOrder, startTestStack, type CreatedProduct, type TestStack } from './testing';

const analystEmail = 'dashboard.analyst@test.rtc.example';
const analystPassword = 'analyst-password-for-the-dashboard';
const screenshotPath = new URL('../test-results/dashboard.png', import.meta.url);
const WITHIN_MS = 2_000;

/**
 * A TCP relay in front of the gateway, standing in for the load balancer: the browser talks through it, and the
 * test can cut every connection and refuse new ones for a while, as a network drop does.
 */
async function startRelay(target: URL) {
  const sockets = new Set<Socket>();
  // Client sockets whose upstream answered 101 Switching Protocols: WebSockets.
  const upgraded = new Map<Socket, Socket>();
  let refuseUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < refuseUntil) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    upstream.once('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 12).toString('latin1') === 'HTTP/1.1 101') upgraded.set(client, upstream);
    });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        upgraded.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /**
     * Ends every WebSocket as a gateway shutting down does, with a 1001 close frame, then the connection; other
     * connections are left alone.
     */
    goAway(reason = 'Gateway shutting down') {
      const text = Buffer.from(reason);
      const frame = Buffer.concat([Buffer.from([0x88, 2 + text.length, 0x03, 0xe9]), text]);
      for (const [client, upstream] of upgraded) {
        upstream.unpipe(client);
        client.end(frame);
        upstream.destroy();
      }
      upgraded.clear();
    },
    /** Cuts every open connection and turns new ones away for `forMs`. */
    drop(forMs: number) {
      refuseUntil = Date.now() + forMs;
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let stack: TestStack;
let relay: Awaited<ReturnType<typeof startRelay>>;
let browser: Browser;
let page: Page;
let customer: { id: string; token: string };
let admin: { id: string; token: string };
// A customer with no order before the test's own: a session of theirs counts as purchased only after it.
let shopper: { id: string; token: string };
let products: CreatedProduct[];
const pageProblems: string[] = [];

async function order(lines: { productId: string; quantity: number }[], token = customer.token) {
  const result = await placeOrder(stack.graphqlUrl, token, lines);
  const placed = result.data?.placeOrder.order;
  if (!placed) throw new Error(`placeOrder failed: ${JSON.stringify(result.errors ?? result.data)}`);
  return placed;
}

async function pay(orderId: string, token = customer.token) {
  const result = await postGraphQL(
    stack.graphqlUrl,
    'mutation($id: ID!) { payOrder(input: { orderId: $id, paymentToken: "tok_visa" }) { order { id } errors { code } } }',
    { id: orderId },
    { token },
  );
  if (failureCodes(result).length > 0) throw new Error(`payOrder failed: ${JSON.stringify(result.errors ?? result.data)}`);
}

/** What the page shows, read the way a person reads it: from the rendered text. */
function readWidgets() {
  return page.evaluate(() => {
    const text = (selector: string) => document.querySelector(selector)?.textContent?.trim() ?? '';
    const chartCells = [...document.querySelectorAll('table[data-series="orders-per-minute"] tbody td')].map((cell) => Number(cell.textContent));
    return {
      orders: text('[data-kpi="gross-sales"] .kpi-orders'),
      revenue: text('[data-kpi="gross-sales"] .kpi-value'),
      netOrders: text('[data-kpi="net-sales"] .kpi-orders'),
      netRevenue: text('[data-kpi="net-sales"] .kpi-value'),
      units: text('[data-kpi="units"] .kpi-value'),
      averageOrderValue: text('[data-kpi="average-order-value"] .kpi-value'),
      latestOrderId: document.querySelector('[data-panel="latest-orders"] .feed-row')?.getAttribute('data-order-id') ?? null,
      latestOrderText: text('[data-panel="latest-orders"] .feed-row'),
      latestOrderPayment: text('[data-panel="latest-orders"] .feed-row .feed-payment'),
      chartOrdersInHour: chartCells.reduce((sum, value) => sum + value, 0),
      chartMinutes: chartCells.length,
      topProduct: text('[data-panel="top-products"] .ranking-row .ranking-name'),
      connection: document.querySelector('.connection')?.getAttribute('data-state') ?? null,
    };
  });
}

/** Behaviour events through the gateway, as a storefront sends them; with a token the sessions become that customer's. */
async function track(sessionId: string, steps: { kind: string; productId?: string; quantity?: number }[], token?: string) {
  const events = steps.map((step) => ({ eventId: randomUUID(), sessionId, occurredAt: new Date().toISOString(), ...step }));
  const result = await postGraphQL<{ trackEvents: { accepted: number } }>(
    stack.graphqlUrl,
    'mutation Track($input: TrackEventsInput!) { trackEvents(input: $input) { accepted errors { code } } }',
    { input: { events } },
    token ? { token } : {},
  );
  if (result.data?.trackEvents.accepted !== events.length) throw new Error(`trackEvents failed: ${JSON.stringify(result.errors)}`);
}

/** The "right now" and funnel panels as rendered text. */
function readShoppers() {
  return page.evaluate(() => {
    const text = (selector: string) => document.querySelector(selector)?.textContent?.trim() ?? '';
    const stage = (name: string) => text(`[data-panel="right-now"] [data-stage="${name}"] .stage-sessions`);
    const step = (name: string) => text(`[data-panel="funnel"] [data-stage="${name}"] .funnel-sessions`);
    return {
      visitors: text('[data-panel="right-now"] [data-stat="visitors"]'),
      browsing: stage('browsing'),
      withCart: stage('with-cart'),
      inCheckout: stage('in-checkout'),
      purchased: stage('purchased'),
      funnel: ['SESSION', 'PRODUCT_VIEW', 'CART', 'CHECKOUT', 'PURCHASE'].map(step).join(' '),
      checkoutConversion: text('[data-panel="funnel"] [data-stage="CHECKOUT"] .funnel-conversion'),
      conversion: text('[data-panel="funnel"] [data-stat="conversion"]'),
    };
  });
}

const money = (minor: number) => `$${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const connectionState = (state: string, timeout: number) => page.waitForSelector(`.connection[data-state="${state}"]`, { timeout });

beforeAll(async () => {
  stack = await startTestStack();
  await queryRows(stack.databaseUrl('users'), 'INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, NOW(3))', [
    analystEmail,
    'Dana Analyst',
    'ANALYST',
    await hashPassword(analystPassword),
  ]);
  admin = await stack.createUser('ADMIN');
  customer = await stack.createUser('CUSTOMER', 'Grace Hopper');
  const regular = await stack.createUser('CUSTOMER', 'Alan Turing');
  shopper = await stack.createUser('CUSTOMER', 'Ada Shopper');
  products = await createProducts(stack.graphqlUrl, admin.token, [
    { price: 2_500, stock: 500, name: 'Walnut Desk Lamp' },
    { price: 1_250, stock: 500, name: 'Linen Notebook' },
    { price: 4_900, stock: 500, name: 'Ceramic Pour-Over Set' },
    { price: 899, stock: 14, name: 'Brass Bookmark' },
  ]);
  // Some of today's trade before the page opens, so every panel has something to show.
  await order(
    [
      { productId: products[0]!.id, quantity: 2 },
      { productId: products[1]!.id, quantity: 1 },
    ],
    regular.token,
  );
  const paid = await order([{ productId: products[2]!.id, quantity: 1 }], regular.token);
  await pay(paid.id, regular.token);
  await order([{ productId: products[0]!.id, quantity: 1 }]);
  // An anonymous visitor who looked at a product and is still in the store.
  await track('dashboard-visitor-1', [{ kind: 'SESSION_STARTED' }, { kind: 'PRODUCT_VIEWED', productId: products[1]!.id }]);

  relay = await startRelay(new URL(stack.gatewayUrl));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, locale: 'en-US', timezoneId: 'UTC' });
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/WebSocket|ERR_CONNECTION|Failed to load resource/.test(message.text())) pageProblems.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  await stack?.stop();
});

describe('live dashboard in a real browser', () => {
  it('signs in through the form and goes live', async () => {
    await page.goto(`${relay.url}/dashboard`);
    await page.fill('#login-email', analystEmail);
    await page.fill('#login-password', analystPassword);
    await page.click('button[type="submit"]');
    await connectionState('live', 15_000);
    // The first salesStats push arrives as soon as the subscriptions are in place.
    await page.waitForFunction(() => document.querySelector('[data-panel="orders-per-minute"] .chart-readout')?.textContent?.includes('/min'), null, {
      timeout: 10_000,
    });
    expect(await page.evaluate(() => sessionStorage.getItem('rtc.dashboard.session'))).toContain('"role":"ANALYST"');
  });

  it("shows today's snapshot: gross and net sales, units, the feed, the chart and top products", async () => {
    // The panels load side by side; wait until all of them have.
    await expect.poll(readWidgets, { timeout: 10_000, interval: 100 }).toMatchObject({
      orders: '3',
      revenue: money(2 * 2_500 + 1_250 + 4_900 + 2_500),
      // One of the three orders is paid.
      netOrders: '1',
      netRevenue: money(4_900),
      units: '5',
      averageOrderValue: money(4_900),
      chartOrdersInHour: 3,
      chartMinutes: 60,
      topProduct: 'Walnut Desk Lamp',
    });
    // The feed is a panel of its own and may fill in after the figures.
    await expect.poll(async () => (await readWidgets()).latestOrderText, { timeout: 10_000, interval: 100 }).toContain('Grace Hopper');
    expect((await readWidgets()).latestOrderPayment).toBe('Unpaid');
  });

  it('moves orders today, revenue, the latest-orders feed and the orders-per-minute chart within two seconds of an order', async () => {
    const before = await readWidgets();
    const placedAt = Date.now();
    const placed = await order([{ productId: products[2]!.id, quantity: 2 }]);
    await page.waitForFunction(
      ({ orderId, orders, chart }) => {
        const text = (selector: string) => document.querySelector(selector)?.textContent?.trim();
        const chartSum = [...document.querySelectorAll('table[data-series="orders-per-minute"] tbody td')].reduce(
          (sum, cell) => sum + Number(cell.textContent),
          0,
        );
        return (
          text('[data-kpi="gross-sales"] .kpi-orders') === String(orders) &&
          document.querySelector('[data-panel="latest-orders"] .feed-row')?.getAttribute('data-order-id') === orderId &&
          chartSum === chart
        );
      },
      { orderId: placed.id, orders: Number(before.orders) + 1, chart: before.chartOrdersInHour + 1 },
      { timeout: WITHIN_MS, polling: 50 },
    );
    expect(Date.now() - placedAt).toBeLessThan(WITHIN_MS + 500);
    const after = await readWidgets();
    expect(after.revenue).toBe(money(2 * 2_500 + 1_250 + 4_900 + 2_500 + 2 * 4_900));
    expect(after.latestOrderText).toContain('Ceramic Pour-Over Set ×2');
    // Three units each now; the pour-over set brought in more revenue, so it leads the hour.
    expect(after.topProduct).toBe('Ceramic Pour-Over Set');
  });

  it("shows each order's payment status in the feed, and moves net sales when it is paid and again when it is refunded", async () => {
    const placed = await order([{ productId: products[1]!.id, quantity: 2 }]);
    const row = `[data-panel="latest-orders"] .feed-row[data-order-id="${placed.id}"] .feed-payment`;
    await page.waitForSelector(`${row}[data-payment-status="PENDING"]`, { timeout: WITHIN_MS });
    const before = await readWidgets();
    await pay(placed.id);
    // Payments send no tick: the page reads them every 5 seconds.
    await page.waitForSelector(`${row}[data-payment-status="PAID"]`, { timeout: 8_000 });
    expect(await page.textContent(row)).toBe('Paid');
    const netRevenue = (widgets: Awaited<ReturnType<typeof readWidgets>>) => Number(widgets.netRevenue.replace(/[$,]/g, ''));
    await expect.poll(async () => (await readWidgets()).netOrders, { timeout: 8_000, interval: 100 }).toBe(String(Number(before.netOrders) + 1));
    const paid = await readWidgets();
    expect(netRevenue(paid)).toBeCloseTo(netRevenue(before) + 25, 2);
    expect([paid.orders, paid.revenue]).toEqual([before.orders, before.revenue]);

    const cancelled = await postGraphQL(
      stack.graphqlUrl,
      'mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { order { id } errors { code } } }',
      { id: placed.id },
      { token: admin.token },
    );
    expect(failureCodes(cancelled)).toEqual([]);
    await page.waitForSelector(`${row}[data-payment-status="REFUNDED"]`, { timeout: 8_000 });
    expect(await page.textContent(row)).toBe('Refunded');
    await expect.poll(async () => (await readWidgets()).netOrders, { timeout: 8_000, interval: 100 }).toBe(before.netOrders);
    const refunded = await readWidgets();
    expect([refunded.netRevenue, refunded.orders, refunded.revenue]).toEqual([before.netRevenue, before.orders, before.revenue]);
  });

  it('lists a product under its low-stock threshold as soon as an order takes it there', async () => {
    await order([{ productId: products[3]!.id, quantity: 5 }]);
    await page.waitForSelector(`[data-panel="low-stock"] tr[data-product-id="${products[3]!.id}"]`, { timeout: 5_000 });
    const row = await page.textContent(`[data-panel="low-stock"] tr[data-product-id="${products[3]!.id}"]`);
    expect(row).toContain('Brass Bookmark');
    expect(row).toContain('9 / 10');
    expect(await page.textContent('[data-panel="low-stock"] .alerts')).toContain('Brass Bookmark ran low');
  });

  it('shows who is in the store right now and the funnel of the hour from the first paint', async () => {
    await expect.poll(readShoppers, { timeout: 10_000, interval: 100 }).toMatchObject({
      visitors: '1',
      browsing: '1',
      withCart: '0',
      inCheckout: '0',
      purchased: '0',
      funnel: '1 1 0 0 0',
      conversion: '0%',
    });
  });

  it('moves visitors by stage and the funnel within two seconds of tracked events, and counts the order as a purchase', async () => {
    const productId = products[2]!.id;
    const trackedAt = Date.now();
    await track(
      'dashboard-shopper-1',
      [{ kind: 'SESSION_STARTED' }, { kind: 'PRODUCT_VIEWED', productId }, { kind: 'ADDED_TO_CART', productId, quantity: 1 }, { kind: 'CHECKOUT_STARTED' }],
      shopper.token,
    );
    await expect.poll(readShoppers, { timeout: WITHIN_MS, interval: 50 }).toMatchObject({
      visitors: '2',
      browsing: '1',
      inCheckout: '1',
      purchased: '0',
      funnel: '2 2 1 1 0',
      checkoutConversion: '100% of the step before',
    });
    expect(Date.now() - trackedAt).toBeLessThan(WITHIN_MS + 500);

    // The order is not sent as an event: activity takes it from the order events and joins it to the session.
    await order([{ productId, quantity: 1 }], shopper.token);
    await expect.poll(readShoppers, { timeout: WITHIN_MS + 1_000, interval: 50 }).toMatchObject({
      visitors: '2',
      inCheckout: '0',
      purchased: '1',
      funnel: '2 2 1 1 1',
      conversion: '50%',
    });
  });

  it('saves a screenshot of the live page', async () => {
    await mkdir(new URL('.', screenshotPath), { recursive: true });
    // Let the arrival highlights fade so the picture shows the resting page.
    await page.waitForTimeout(2_600);
    await page.screenshot({ path: screenshotPath.pathname, fullPage: true });
  });

  it('shows reconnecting when the socket drops, then goes live again and catches up on what it missed', async () => {
    const before = await readWidgets();
    relay.drop(1_500);
    await connectionState('reconnecting', 5_000);
    // An order while the page is cut off: no tick reaches it, so only the snapshot read on reconnect can show it.
    await order([{ productId: products[1]!.id, quantity: 1 }]);
    await connectionState('live', 15_000);
    await page.waitForFunction(
      (orders) => document.querySelector('[data-kpi="gross-sales"] .kpi-orders')?.textContent === String(orders),
      Number(before.orders) + 1,
      {
        timeout: 5_000,
      },
    );
    // And the live feed works again after the reconnect.
    const placed = await order([{ productId: products[0]!.id, quantity: 1 }]);
    await page.waitForSelector(`[data-panel="latest-orders"] .feed-row[data-order-id="${placed.id}"]`, { timeout: WITHIN_MS });
  });

  it('reconnects after the gateway goes away with 1001 and resubscribes each subscription after the last event position it received', async () => {
    const subscribes: { id: string; payload: { query: string; extensions?: { resumeAfter?: string } } }[] = [];
    const lastPosition = new Map<string, string>();
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; id: string; payload: (typeof subscribes)[number]['payload'] };
        if (message.type !== 'subscribe') return;
        subscribes.push(message);
        // A position the page remembers from an earlier socket counts as the last one it received.
        const resumeAfter = message.payload.extensions?.resumeAfter;
        if (resumeAfter) lastPosition.set(message.id, resumeAfter);
      });
      socket.on('framereceived', ({ payload }) => {
        const message = JSON.parse(String(payload)) as { type: string; id: string; payload?: { extensions?: { eventPosition?: string } } };
        const position = message.payload?.extensions?.eventPosition;
        if (message.type === 'next' && position) lastPosition.set(message.id, position);
      });
    });
    // A first socket seen from the start, so every position it is sent or resumes from is known.
    relay.drop(0);
    await connectionState('reconnecting', 5_000);
    await connectionState('live', 15_000);
    const placed = await order([{ productId: products[2]!.id, quantity: 1 }]);
    await page.waitForSelector(`[data-panel="latest-orders"] .feed-row[data-order-id="${placed.id}"]`, { timeout: WITHIN_MS });
    const positionsBefore = new Map(lastPosition);
    const firstSubscribes = subscribes.length;

    relay.goAway();
    await connectionState('reconnecting', 5_000);
    await connectionState('live', 15_000);
    await expect.poll(() => subscribes.length - firstSubscribes, { timeout: 5_000 }).toBe(4);
    for (const again of subscribes.slice(firstSubscribes)) {
      // Without a position yet (salesStats and funnelStats never have one) the payload says so by leaving resumeAfter out.
      expect(again.payload, again.payload.query).toHaveProperty('extensions');
      expect(again.payload.extensions?.resumeAfter, again.payload.query).toBe(positionsBefore.get(again.id));
    }
    const after = await order([{ productId: products[0]!.id, quantity: 1 }]);
    await page.waitForSelector(`[data-panel="latest-orders"] .feed-row[data-order-id="${after.id}"]`, { timeout: WITHIN_MS });
  });

  it('shows offline while the browser has no network and recovers when it is back', async () => {
    await page.context().setOffline(true);
    await connectionState('offline', 5_000);
    await page.context().setOffline(false);
    await connectionState('live', 15_000);
  });

  it('renews a session whose access token is about to lapse with its refresh token, and stays live', async () => {
    const readSession = async () =>
      JSON.parse((await page.evaluate(() => sessionStorage.getItem('rtc.dashboard.session'))) ?? '{}') as { token: string; refreshToken: string };
    const saved = await readSession();
    // As if the tab had been left open for most of the access token's life.
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem('rtc.dashboard.session')!) as { expiresAt: number };
      sessionStorage.setItem('rtc.dashboard.session', JSON.stringify({ ...session, expiresAt: Date.now() + 30_000 }));
    });
    await page.reload();
    await connectionState('live', 15_000);
    const renewed = await readSession();
    expect(renewed.token).not.toBe(saved.token);
    expect(renewed.refreshToken).not.toBe(saved.refreshToken);
    const placed = await order([{ productId: products[0]!.id, quantity: 1 }]);
    await page.waitForSelector(`[data-panel="latest-orders"] .feed-row[data-order-id="${placed.id}"]`, { timeout: 5_000 });
  });

  it('ran without script errors or content-security-policy violations', () => {
    expect(pageProblems).toEqual([]);
  });
});

describe('dashboard sign-in', () => {
  it('refuses a customer account with a reason', async () => {
    const email = 'shopper@test.rtc.example';
    const signUp = await postGraphQL(stack.graphqlUrl, 'mutation($input: SignUpInput!) { signUp(input: $input) { token errors { code } } }', {
      input: { email, password: 'a-long-enough-password', name: 'Just Shopping' },
    });
    expect(signUp.errors).toBeUndefined();
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${relay.url}/dashboard`);
      await fresh.fill('#login-email', email);
      await fresh.fill('#login-password', 'a-long-enough-password');
      await fresh.click('button[type="submit"]');
      await fresh.waitForFunction(() => document.querySelector('.login-message')?.textContent?.includes('analyst or an admin'), null, { timeout: 5_000 });
      expect(await fresh.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('says a wrong password in words, from the typed failure of logIn', async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.goto(`${relay.url}/dashboard`);
      await fresh.fill('#login-email', 'analyst@test.rtc.example');
      await fresh.fill('#login-password', 'not-the-password');
      await fresh.click('button[type="submit"]');
      await fresh.waitForFunction(() => document.querySelector('.login-message')?.textContent?.includes('Wrong email or password'), null, { timeout: 5_000 });
      expect(await fresh.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
