import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalClient, createLogger, createMysqlPool, type Pool } from '@rtc/service-kit';
import { failureCodes, testInternalToken } from '@rtc/testkit';
import { createInventory, type Inventory } from '../clients/inventory';
import { createOrdersDb } from '../db/client';
import { startOrderStack, type OrderStack } from '../testing';
import { createCheckoutIntents } from './checkout-intents';
import { createCheckoutReconciler } from './checkout-reconciler';
import { orderFingerprint } from './order-fingerprint';
import { reservationReference } from './reservation-reference';

const placeOrder = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order { id }
      errors { code }
    }
  }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Checkouts of this many units pause after reserving, or before, far longer than the racing reconciler's grace (they lose);
// of the last, about as long as that grace (they race it).
const slowAfterReserve = 2;
const slowBeforeReserve = 3;
const racingAfterReserve = 4;
const graceSeconds = 0.5;
const pauseMs = 2_500;

let stack: OrderStack;
let lamp: string;
let vase: string;
let ordersPool: Pool;

beforeAll(async () => {
  stack = await startOrderStack({
    // Every second, abandoning checkouts whose order is missing after two: the test sees a minute's work in seconds.
    config: { checkoutReconcileSeconds: 1, checkoutGraceSeconds: 2 },
    inventory: (real): Inventory => ({
      ...real,
      async reserve(reference, lines, ttlSeconds) {
        if (lines[0]?.quantity === slowBeforeReserve) await sleep(pauseMs);
        const status = await real.reserve(reference, lines, ttlSeconds);
        if (lines[0]?.quantity === slowAfterReserve) await sleep(pauseMs);
        if (lines[0]?.quantity === racingAfterReserve) await sleep(graceSeconds * 1000 * Math.random() * 2);
        return status;
      },
    }),
  });
  [lamp, vase] = await stack.seedProducts([
    { sku: 'LAMP', price: 4_000, stock: 10 },
    { sku: 'VASE', price: 3_000, stock: 1_000 },
  ]);
  ordersPool = createMysqlPool({ url: stack.ordersDb.url, connectionLimit: 4 });
});

afterAll(async () => {
  await ordersPool?.end();
  await stack?.stop();
});

const stockOf = async (productId: string) =>
  (await stack.inventoryRows<{ available: number; reserved: number }>('SELECT available, reserved FROM stock WHERE product_id = ?', [productId]))[0];

const ledgerOf = async (productId: string) =>
  (
    await stack.inventoryRows<{ available: number; reserved: number }>(
      'SELECT CAST(SUM(delta_available) AS SIGNED) AS available, CAST(SUM(delta_on_hand - delta_available) AS SIGNED) AS reserved FROM stock_ledger WHERE product_id = ?',
      [productId],
    )
  )[0];

function runCheckoutThatDies(args: string[]): Promise<NodeJS.Signals | number | null> {
  const script = fileURLToPath(new URL('./crash/reserve-then-die.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

describe('a checkout that dies between its reservation and its order', () => {
  it('has its stock back within seconds, not at the reservation TTL, and its key refused afterwards', async () => {
    const args = [stack.ordersDb.url, stack.catalogUrl, stack.inventoryUrl, testInternalToken, '501', 'crash-key', lamp, '4'];
    expect(await runCheckoutThatDies(args)).toBe('SIGKILL');
    const reference = reservationReference(501, 'crash-key', orderFingerprint([{ productId: Number(lamp), variantId: Number(lamp), quantity: 4 }]));
    const [held] = await stack.inventoryRows<{ status: string }>('SELECT status FROM reservations WHERE reference = ?', [reference]);
    expect(held?.status).toBe('HELD');
    expect(await stack.orderRows('SELECT id FROM orders WHERE reservation_ref = ?', [reference])).toEqual([]);
    const crashedAt = Date.now();

    let stock = await stockOf(lamp);
    while (stock?.available !== 10 && Date.now() - crashedAt < 60_000) {
      await sleep(200);
      stock = await stockOf(lamp);
    }
    const seconds = (Date.now() - crashedAt) / 1000;
    console.info(`stock of the crashed checkout back after ${seconds.toFixed(1)} s`);
    expect(stock).toEqual({ available: 10, reserved: 0 });
    expect(seconds).toBeLessThan(30);
    expect(await stack.inventoryRows('SELECT status, release_reason FROM reservations WHERE reference = ?', [reference])).toEqual([
      { status: 'RELEASED', release_reason: 'FAILED' },
    ]);
    expect(await ledgerOf(lamp)).toEqual({ available: 0, reserved: 0 });
    const [intent] = await stack.orderRows<{ state: string; released: number }>(
      'SELECT state, released_at IS NOT NULL AS released FROM checkout_intents WHERE reservation_ref = ?',
      [reference],
    );
    expect(intent).toEqual({ state: 'ABANDONED', released: 1 });
    expect(await stack.orders.metrics.registry.getSingleMetricAsString('rtc_checkouts_abandoned_total')).toMatch(
      /^rtc_checkouts_abandoned_total(\{[^}]*\})? 1$/m,
    );

    const intents = createCheckoutIntents(createOrdersDb(ordersPool));
    expect(await intents.open(reference, new Date())).toBe('ABANDONED');
    expect(await stockOf(lamp)).toEqual({ available: 10, reserved: 0 });
    const again = await stack.call(placeOrder, { input: { idempotencyKey: 'crash-key', lines: [{ productId: lamp, quantity: 4 }] } }, { userId: '501' });
    expect(failureCodes(again)).toEqual(['CONFLICT']);
    const fresh = await stack.call<{ placeOrder: { order: { id: string } | null } }>(
      placeOrder,
      { input: { idempotencyKey: 'after-crash', lines: [{ productId: lamp, quantity: 4 }] } },
      { userId: '501' },
    );
    expect(failureCodes(fresh)).toEqual([]);
    expect(await stockOf(lamp)).toEqual({ available: 6, reserved: 4 });
  });
});

describe('checkouts racing the reconciler', () => {
  it('never leave an order whose stock was released, nor stock held without an order, and stock equals the ledger', async () => {
    const reconcile = createCheckoutReconciler({
      intents: createCheckoutIntents(createOrdersDb(ordersPool)),
      inventory: createInventory(createInternalClient({ baseUrl: stack.inventoryUrl, internalToken: testInternalToken })),
      logger: createLogger({ service: 'orders', level: 'silent' }),
      graceSeconds,
    });
    const before = await stockOf(vase);
    const attempts = Array.from({ length: 90 }, (_, i) => ({
      userId: String(600 + (i % 30)),
      key: `race-${i % 60}`,
      quantity: [1, slowAfterReserve, slowBeforeReserve, racingAfterReserve][i % 4]!,
    }));
    let settled = false;
    const racing = (async () => {
      let passes = 0;
      while (!settled) {
        await reconcile();
        passes += 1;
        await sleep(5);
      }
      return passes;
    })();
    const results = await Promise.all(
      attempts.map(async (attempt, i) => {
        await sleep(i * 7);
        return stack.call<{ placeOrder: { order: { id: string } | null } }>(
          placeOrder,
          { input: { idempotencyKey: attempt.key, lines: [{ productId: vase, quantity: attempt.quantity }] } },
          { userId: attempt.userId },
        );
      }),
    );
    settled = true;
    expect(await racing).toBeGreaterThan(5);
    await sleep(graceSeconds * 1000 + 100);
    await reconcile();

    const codes = results.flatMap((result) => failureCodes(result));
    // A failed duplicate of a key may also be told its key was reused with another payload.
    expect(new Set(codes).size === 0 || [...new Set(codes)].every((code) => code === 'CONFLICT' || code === 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    const slow = [slowAfterReserve, slowBeforeReserve];
    const slowOutcomes = attempts.flatMap((attempt, i) => (slow.includes(attempt.quantity) ? [{ i, ...attempt, codes: failureCodes(results[i]!) }] : []));
    expect(slowOutcomes.filter((outcome) => outcome.codes.join() !== 'CONFLICT')).toEqual([]);
    const placed = results.filter((result) => result.data?.placeOrder.order).length;
    expect(placed).toBeGreaterThan(0);

    const orders = await stack.orderRows<{ reservation_ref: string; item_count: number }>(
      `SELECT reservation_ref, item_count FROM orders WHERE user_id BETWEEN 600 AND 629`,
    );
    const refs = orders.map((order) => order.reservation_ref);
    const reservations = await stack.inventoryRows<{ reference: string; status: string }>(
      `SELECT reference, status FROM reservations WHERE reference LIKE 'order-6%'`,
    );
    const statusOf = new Map(reservations.map((row) => [row.reference, row.status]));
    for (const ref of refs) expect(statusOf.get(ref)).toBe('HELD');
    const orphans = reservations.filter((row) => row.status === 'HELD' && !refs.includes(row.reference));
    expect(orphans).toEqual([]);
    const orderedUnits = orders.reduce((sum, order) => sum + order.item_count, 0);
    expect(await stockOf(vase)).toEqual({ available: before!.available - orderedUnits, reserved: before!.reserved + orderedUnits });
    expect(await ledgerOf(vase)).toEqual({ available: -orderedUnits, reserved: orderedUnits });
    const [pending] = await stack.orderRows<{ n: number }>(`SELECT COUNT(*) AS n FROM checkout_intents WHERE state = 'PENDING' OR released_at IS NULL`);
    expect(pending?.n).toBe(0);
    console.info(`${placed} of ${attempts.length} checkouts placed against a reconciler with a ${graceSeconds} s grace`);
  });
});
