import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPassword, staffAccounts } from '@rtc/stack';
import { createProducts, startTestStack, type CreatedProduct, type TestStack } from '@rtc/stack/testing';
import { postGraphQL, queryRows } from '@rtc/testkit';
import { hashPassword } from '@rtc/users';
import { createGatewayClient } from './gateway-client';
import { parseSimulationOptions } from './options';
import { runSimulation, type SimulationSummary } from './simulator';

const admin = staffAccounts.find((account) => account.role === 'ADMIN')!;
const customers = 5;

let stack: TestStack;
let products: CreatedProduct[];
let summary: SimulationSummary;
let adminToken: string;
let startedAt: Date;
const lines: string[] = [];
const requested = new Set<string>();

// The seeded store's accounts, with the passwords the simulator uses by default.
async function addAccount(email: string, name: string, role: string, password: string) {
  await queryRows(stack.databaseUrl('users'), 'INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, NOW(3))', [
    email,
    name,
    role,
    await hashPassword(password),
  ]);
}

beforeAll(async () => {
  stack = await startTestStack();
  await addAccount(admin.email, admin.name, 'ADMIN', admin.password);
  for (let n = 1; n <= customers; n++) await addAccount(`customer${n}@example.com`, `Customer ${n}`, 'CUSTOMER', customerPassword);
  const { token } = await stack.createUser('ADMIN');
  adminToken = token;
  // One product with almost no stock, so the run sells it out and has to restock it.
  products = await createProducts(stack.graphqlUrl, token, [
    { price: 1_999, stock: 2, name: 'Scarce Teapot' },
    { price: 450, stock: 5_000, name: 'Plain Mug' },
    { price: 1_250, stock: 5_000, name: 'Oak Coaster Set' },
  ]);

  const options = parseSimulationOptions(
    [
      '--gateway',
      stack.gatewayUrl,
      '--rate',
      '10',
      '--duration',
      '4',
      '--customers',
      String(customers),
      '--seed',
      '7',
      '--decline-rate',
      '0',
      // High enough that a 4 s run certainly cancels some orders before its follow-ups are cut at the end.
      '--cancel-rate',
      '0.6',
      // A short visit and a generous funnel, so that a 4 s run browses, drops off and still orders.
      '--think',
      '0.05',
      '--view-rate',
      '0.9',
      '--cart-rate',
      '0.6',
      '--checkout-rate',
      '0.8',
      '--purchase-rate',
      '0.8',
    ],
    () => 0,
  )!;
  const run = createGatewayClient(options.gatewayUrl);
  startedAt = new Date();
  summary = await runSimulation(options, {
    run: (query, variables, token) => {
      requested.add(/(?:mutation|query) (\w+)/.exec(query)?.[1] ?? '?');
      return run(query, variables, token);
    },
    log: (line) => lines.push(line),
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('traffic simulator against the stack', () => {
  it('places orders at about the asked rate and stops by itself after the duration', () => {
    expect(summary.seconds).toBeGreaterThanOrEqual(4);
    expect(summary.seconds).toBeLessThan(10);
    // Each order ends a browsing session, and the sessions of the last second are cut: fewer than rate x duration.
    expect(summary.total.placed).toBeGreaterThan(5);
    expect(summary.total.placed).toBeLessThan(80);
  });

  it('records exactly the orders it reports as placed', async () => {
    const [row] = await queryRows<{ count: number }>(stack.databaseUrl('orders'), 'SELECT COUNT(*) AS count FROM orders');
    expect(Number(row!.count)).toBe(summary.total.placed);
  });

  it('pays and cancels some orders, and restocks the product that sold out', async () => {
    expect(summary.total.paid).toBeGreaterThan(0);
    expect(summary.total.cancelled).toBeGreaterThan(0);
    expect(summary.total.restocked).toBeGreaterThan(0);
    const [stock] = await queryRows<{ restocks: number }>(
      stack.databaseUrl('inventory'),
      "SELECT COUNT(*) AS restocks FROM stock_ledger WHERE product_id = ? AND kind = 'RESTOCK' AND reason LIKE 'simulated%'",
      [products[0]!.id],
    );
    expect(Number(stock!.restocks)).toBeGreaterThan(0);
  });

  it('fails only for reasons a real store has: sold out while a delivery is on its way', () => {
    expect([...summary.total.failed.keys()].filter((code) => code !== 'OUT_OF_STOCK')).toEqual([]);
  });

  it('uses the public API the way shoppers and the admin do', () => {
    expect([...requested].sort()).toEqual(
      [
        'SimulatorBestSellers',
        'SimulatorCancelOrder',
        'SimulatorLogIn',
        'SimulatorPayOrder',
        'SimulatorPlaceOrder',
        'SimulatorProducts',
        'SimulatorRestock',
        'SimulatorTrackEvents',
      ].sort(),
    );
  });

  it('browses before buying: behaviour events accepted, and a funnel that narrows down to the orders', async () => {
    expect(summary.total.sessions).toBeGreaterThan(summary.total.placed);
    expect(summary.total.events).toBeGreaterThan(summary.total.sessions);
    const funnel = await postGraphQL<{ funnel: { stage: string; sessions: number }[] }>(
      stack.graphqlUrl,
      'query Funnel($from: DateTime!, $to: DateTime!) { funnel(from: $from, to: $to) { stage sessions } }',
      { from: new Date(startedAt.getTime() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
      { token: adminToken },
    );
    expect(funnel.errors).toBeUndefined();
    const sessions = Object.fromEntries(funnel.data!.funnel.map((step) => [step.stage, step.sessions]));
    // Every session started sends its first event, save the last few cut by the end of the run.
    expect(sessions['SESSION']).toBeLessThanOrEqual(summary.total.sessions);
    expect(sessions['SESSION']).toBeGreaterThanOrEqual(summary.total.sessions * 0.85);
    expect(sessions['PRODUCT_VIEW']).toBeLessThan(sessions['SESSION']!);
    expect(sessions['CART']).toBeLessThan(sessions['PRODUCT_VIEW']!);
    expect(sessions['CHECKOUT']).toBeLessThanOrEqual(sessions['CART']!);
    // Orders join the sessions of the customers who placed them, from the order events.
    expect(sessions['PURCHASE']).toBeGreaterThan(0);
    expect(sessions['PURCHASE']).toBeLessThanOrEqual(sessions['CHECKOUT']!);
  });

  it('prints a line per second with placed orders, failures by code and the median latency', () => {
    const perSecond = lines.filter((line) => /^\d\d:\d\d:\d\d {2}placed \d+/.test(line));
    expect(perSecond.length).toBeGreaterThanOrEqual(3);
    expect(perSecond.some((line) => /p50 \d+ms/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^done after \d+\.\d s: \d+ orders placed/);
  });
});
