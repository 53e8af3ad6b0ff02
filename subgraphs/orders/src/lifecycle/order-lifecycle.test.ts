import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@rtc/service-kit';
import { failureCodes, payloadErrorCodes } from '@rtc/testkit';
import type { Inventory } from '../clients/inventory';
import { createRuleBasedPaymentProvider } from '../payments/payment-provider';
import { startOrderStack, type Caller, type OrderStack } from '../testing';

const orderFields = 'id status placedAt paidAt shippedAt deliveredAt cancelledAt total { amount currency } user { id }';
const payload = `order { ${orderFields} } errors { code message }`;
const placeOrder = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${payload} } }`;
const payOrder = `mutation($id: ID!, $token: String!) { payOrder(input: { orderId: $id, paymentToken: $token }) { ${payload} } }`;
const cancelOrder = `mutation($id: ID!) { cancelOrder(input: { orderId: $id }) { ${payload} } }`;
const shipOrder = `mutation($id: ID!) { shipOrder(input: { orderId: $id }) { ${payload} } }`;
const deliverOrder = `mutation($id: ID!) { deliverOrder(input: { orderId: $id }) { ${payload} } }`;

interface OrderView {
  id: string;
  status: string;
  placedAt: string;
  paidAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  total: { amount: number; currency: string };
}

const admin: Caller = { userId: '1', role: 'ADMIN' };
const analyst: Caller = { userId: '2', role: 'ANALYST' };
const alice: Caller = { userId: '201' };
const bob: Caller = { userId: '202' };

let stack: OrderStack;
let teapot: string;
let vase: string;
let inventoryDown = false;
const refunds: string[] = [];

let keys = 0;
async function place(as: Caller, productId = teapot, quantity = 2): Promise<OrderView> {
  keys += 1;
  const result = await stack.call<{ placeOrder: { order: OrderView } }>(
    placeOrder,
    { input: { idempotencyKey: `life-${keys}`, lines: [{ productId, quantity }] } },
    as,
  );
  expect(failureCodes(result)).toEqual([]);
  return result.data!.placeOrder.order;
}

/** The order a mutation answered (null on a typed failure), and the codes of its GraphQL errors and typed failures alike. */
async function run(mutation: string, variables: Record<string, unknown>, as: Caller) {
  const result = await stack.call<Record<string, { order: OrderView | null }>>(mutation, variables, as);
  return { order: result.data ? Object.values(result.data)[0]?.order : undefined, codes: failureCodes(result), typed: payloadErrorCodes(result), result };
}

const stockOf = async (productId: string) =>
  (
    await stack.inventoryRows<{ on_hand: number; available: number; reserved: number }>('SELECT on_hand, available, reserved FROM stock WHERE product_id = ?', [
      productId,
    ])
  )[0];

const reservationOf = async (userId: string, key: string) => {
  const [order] = await stack.orderRows<{ reservation_ref: string }>('SELECT reservation_ref FROM orders WHERE user_id = ? AND idempotency_key = ?', [
    userId,
    key,
  ]);
  return (
    await stack.inventoryRows<{ status: string; release_reason: string | null }>('SELECT status, release_reason FROM reservations WHERE reference = ?', [
      order!.reservation_ref,
    ])
  )[0];
};

const netRollup = async () =>
  (
    await stack.orderRows<{ gross: number; net: number; net_revenue: number }>(
      'SELECT COALESCE(SUM(gross_orders), 0) AS gross, COALESCE(SUM(net_orders), 0) AS net, COALESCE(SUM(net_revenue), 0) AS net_revenue FROM sales_by_minute',
    )
  ).map((row) => ({ gross: Number(row.gross), net: Number(row.net), netRevenue: Number(row.net_revenue) }))[0]!;

const salesRollup = async () =>
  (
    await stack.orderRows<{ orders: number; revenue: number; units: number }>(
      'SELECT COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(revenue), 0) AS revenue, COALESCE(SUM(units), 0) AS units FROM sales_by_minute',
    )
  ).map((row) => ({ orders: Number(row.orders), revenue: Number(row.revenue), units: Number(row.units) }))[0];

beforeAll(async () => {
  stack = await startOrderStack({
    config: { paymentTtlSeconds: 600, paymentMaxAmount: 50_000 },
    payments: (() => {
      const rules = createRuleBasedPaymentProvider({ maxAmount: 50_000 });
      return { charge: (request) => rules.charge(request), refund: async (paymentId) => void refunds.push(paymentId) };
    })(),
    inventory: (real): Inventory => ({
      ...real,
      release: (reference, reason) => (inventoryDown ? Promise.reject(new Error('inventory unreachable')) : real.release(reference, reason)),
      releaseMany: (references, reason) => (inventoryDown ? Promise.reject(new Error('inventory unreachable')) : real.releaseMany(references, reason)),
    }),
  });
  [teapot, vase] = await stack.seedProducts([
    { sku: 'TEAPOT', price: 1_500, stock: 500 },
    { sku: 'VASE', price: 30_000, stock: 50 },
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('paying', () => {
  it('charges, sells the reserved stock and marks the order PAID with an OrderStatusChanged event', async () => {
    const events: DomainEvent[] = [];
    const unsubscribe = stack.orders.bus.subscribe((event) => events.push(event));
    const before = await stockOf(teapot);
    const order = await place(alice);
    const paid = await run(payOrder, { id: order.id, token: 'tok_visa' }, alice);
    expect(paid.codes).toEqual([]);
    expect(paid.order).toMatchObject({ status: 'PAID', paidAt: expect.any(String) });
    expect(await reservationOf(alice.userId, `life-${keys}`)).toEqual({ status: 'COMMITTED', release_reason: null });
    expect(await stockOf(teapot)).toEqual({ on_hand: before!.on_hand - 2, available: before!.available - 2, reserved: before!.reserved });

    await stack.orders.service.relay.drain();
    unsubscribe();
    const changed = events.filter((event) => event.type === 'OrderStatusChanged');
    expect(changed.map((event) => event.payload)).toEqual([
      {
        orderId: order.id,
        userId: alice.userId,
        status: 'PAID',
        previousStatus: 'PENDING',
        total: { amount: 3_000, currency: 'USD' },
        units: 2,
        placedAt: order.placedAt,
        lines: [{ productId: teapot, variantId: teapot, quantity: 2, lineTotal: { amount: 3_000, currency: 'USD' } }],
      },
    ]);
  });

  it('keeps the order PENDING and the stock held when the payment is declined', async () => {
    const order = await place(alice);
    const declined = await run(payOrder, { id: order.id, token: 'tok_decline_insufficient_funds' }, alice);
    expect(declined.typed).toEqual(['PAYMENT_DECLINED']);
    expect(declined.order).toBeNull();
    const overLimit = await place(alice, vase, 2);
    expect((await run(payOrder, { id: overLimit.id, token: 'tok_visa' }, alice)).codes).toEqual(['PAYMENT_DECLINED']);
    const [row] = await stack.orderRows<{ status: string }>('SELECT status FROM orders WHERE id = ?', [order.id]);
    expect(row?.status).toBe('PENDING');
    expect(await reservationOf(alice.userId, `life-${keys - 1}`)).toEqual({ status: 'HELD', release_reason: null });
  });

  it("refuses to pay another customer's order, and to pay twice", async () => {
    const order = await place(alice);
    expect((await run(payOrder, { id: order.id, token: 'tok_visa' }, bob)).codes).toEqual(['FORBIDDEN']);
    expect((await run(payOrder, { id: order.id, token: 'tok_visa' }, alice)).codes).toEqual([]);
    const twice = await run(payOrder, { id: order.id, token: 'tok_visa' }, alice);
    expect(twice.typed).toEqual(['INVALID_TRANSITION']);
    expect(twice.result.data).toEqual({ payOrder: { order: null, errors: [{ code: 'INVALID_TRANSITION', message: 'An order cannot go from PAID to PAID' }] } });
    expect((await run(payOrder, { id: '99999999', token: 'tok_visa' }, alice)).codes).toEqual(['NOT_FOUND']);
  });
});

describe('shipping and delivery', () => {
  it('lets admins alone move a paid order to SHIPPED, then DELIVERED, and no further', async () => {
    const order = await place(alice);
    expect((await run(shipOrder, { id: order.id }, admin)).typed).toEqual(['INVALID_TRANSITION']);
    await run(payOrder, { id: order.id, token: 'tok_visa' }, alice);
    expect((await run(shipOrder, { id: order.id }, alice)).codes).toEqual(['FORBIDDEN']);
    expect((await run(shipOrder, { id: order.id }, analyst)).codes).toEqual(['FORBIDDEN']);
    expect((await run(deliverOrder, { id: order.id }, admin)).typed).toEqual(['INVALID_TRANSITION']);
    const shipped = await run(shipOrder, { id: order.id }, admin);
    expect(shipped.order).toMatchObject({ status: 'SHIPPED', shippedAt: expect.any(String) });
    const delivered = await run(deliverOrder, { id: order.id }, admin);
    expect(delivered.order).toMatchObject({ status: 'DELIVERED', deliveredAt: expect.any(String) });
    expect((await run(cancelOrder, { id: order.id }, admin)).typed).toEqual(['INVALID_TRANSITION']);
  });
});

describe('cancelling', () => {
  it('returns held stock, takes the order out of the rollups and counts the cancellation', async () => {
    const stockBefore = await stockOf(teapot);
    const rollupBefore = await salesRollup();
    const order = await place(bob, teapot, 3);
    expect(await salesRollup()).toEqual({ orders: rollupBefore!.orders + 1, revenue: rollupBefore!.revenue + 4_500, units: rollupBefore!.units + 3 });
    const cancelled = await run(cancelOrder, { id: order.id }, bob);
    expect(cancelled.order).toMatchObject({ status: 'CANCELLED', cancelledAt: expect.any(String) });
    expect(await stockOf(teapot)).toEqual(stockBefore);
    expect(await reservationOf(bob.userId, `life-${keys}`)).toEqual({ status: 'RELEASED', release_reason: 'CANCELLED' });
    expect(await salesRollup()).toEqual(rollupBefore);
    const [product] = await stack.orderRows<{ units: number }>('SELECT SUM(units) AS units FROM product_sales_by_minute WHERE product_id = ? AND minute = ?', [
      teapot,
      new Date(Math.floor(Date.parse(order.placedAt) / 60_000) * 60_000),
    ]);
    const [placedAfter] = await stack.orderRows<{ units: number }>(
      "SELECT COALESCE(SUM(l.quantity), 0) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.product_id = ? AND o.status <> 'CANCELLED' AND o.placed_at >= ? AND o.placed_at < ?",
      [teapot, new Date(Math.floor(Date.parse(order.placedAt) / 60_000) * 60_000), new Date(Math.floor(Date.parse(order.placedAt) / 60_000) * 60_000 + 60_000)],
    );
    expect(Number(product?.units)).toBe(Number(placedAfter?.units));
    const [customer] = await stack.orderRows('SELECT orders, first_order_at FROM customer_stats WHERE user_id = ?', [bob.userId]);
    expect(customer).toEqual({ orders: 0, first_order_at: null });
    expect(await stack.orders.metrics.registry.metrics()).toContain('rtc_orders_cancelled_total{currency="USD",service="orders"} 1\n');
  });

  it('returns sold units to stock and refunds the payment when an admin cancels a paid order', async () => {
    const stockBefore = await stockOf(teapot);
    const rollupBefore = await netRollup();
    const order = await place(alice, teapot, 4);
    await run(payOrder, { id: order.id, token: 'tok_visa' }, alice);
    expect((await stockOf(teapot))?.on_hand).toBe(stockBefore!.on_hand - 4);
    // Paid: in gross and net, in the minute it was placed.
    expect(await netRollup()).toEqual({ gross: rollupBefore.gross + 1, net: rollupBefore.net + 1, netRevenue: rollupBefore.netRevenue + 6_000 });
    const [{ payment_id: paymentId }] = (await stack.orderRows<{ payment_id: string }>('SELECT payment_id FROM orders WHERE id = ?', [order.id])) as [
      { payment_id: string },
    ];
    expect((await run(cancelOrder, { id: order.id }, admin)).order?.status).toBe('CANCELLED');
    expect(await stockOf(teapot)).toEqual(stockBefore);
    expect(refunds).toContain(paymentId);
    // Refunded: out of net, still in gross.
    expect(await netRollup()).toEqual({ gross: rollupBefore.gross + 1, net: rollupBefore.net, netRevenue: rollupBefore.netRevenue });
    expect(await stack.orders.metrics.registry.metrics()).toContain('rtc_orders_refunded_total{currency="USD",service="orders"} 1\n');
  });

  it("refuses to cancel another customer's order and changes nothing", async () => {
    const order = await place(alice);
    expect((await run(cancelOrder, { id: order.id }, bob)).codes).toEqual(['FORBIDDEN']);
    expect((await run(cancelOrder, { id: order.id }, analyst)).codes).toEqual(['FORBIDDEN']);
    const [row] = await stack.orderRows<{ status: string }>('SELECT status FROM orders WHERE id = ?', [order.id]);
    expect(row?.status).toBe('PENDING');
    expect((await run(cancelOrder, { id: order.id }, alice)).order?.status).toBe('CANCELLED');
    expect((await run(cancelOrder, { id: order.id }, alice)).typed).toEqual(['INVALID_TRANSITION']);
  });

  it('keeps retrying the stock release until inventory confirms it', async () => {
    const stockBefore = await stockOf(vase);
    const order = await place(bob, vase, 1);
    inventoryDown = true;
    try {
      expect((await run(cancelOrder, { id: order.id }, bob)).order?.status).toBe('CANCELLED');
      expect(await stack.orders.service.sweeper.sweep(new Date(Date.now() + 60_000))).toEqual({ expired: 0, released: 0 });
    } finally {
      inventoryDown = false;
    }
    expect((await stockOf(vase))?.available).toBe(stockBefore!.available - 1);
    expect(await stack.orders.service.sweeper.sweep(new Date(Date.now() + 60_000))).toMatchObject({ released: 1 });
    expect(await stockOf(vase)).toEqual(stockBefore);
    const [row] = await stack.orderRows<{ stock_released_at: Date | null }>('SELECT stock_released_at FROM orders WHERE id = ?', [order.id]);
    expect(row?.stock_released_at).toBeInstanceOf(Date);
  });
});

describe('expiry', () => {
  it('cancels orders left unpaid past the payment TTL and releases their stock as EXPIRED', async () => {
    const fresh = await place(alice);
    const stale = await place(bob);
    await stack.orderRows('UPDATE orders SET placed_at = placed_at - INTERVAL 601 SECOND WHERE id = ?', [stale.id]);
    const paidLongAgo = await place(alice);
    await run(payOrder, { id: paidLongAgo.id, token: 'tok_visa' }, alice);
    await stack.orderRows('UPDATE orders SET placed_at = placed_at - INTERVAL 2 HOUR WHERE id = ?', [paidLongAgo.id]);

    const { expired } = await stack.orders.service.sweeper.sweep();
    expect(expired).toBe(1);
    const rows = await stack.orderRows<{ id: number; status: string; cancel_reason: string | null }>(
      'SELECT id, status, cancel_reason FROM orders WHERE id IN (?) ORDER BY id',
      [[fresh.id, stale.id, paidLongAgo.id]],
    );
    expect(rows.map((row) => [String(row.id), row.status, row.cancel_reason])).toEqual([
      [fresh.id, 'PENDING', null],
      [stale.id, 'CANCELLED', 'EXPIRED'],
      [paidLongAgo.id, 'PAID', null],
    ]);
    const stamp = (await stack.orderRows<{ idempotency_key: string }>('SELECT idempotency_key FROM orders WHERE id = ?', [stale.id]))[0]!;
    expect(await reservationOf(bob.userId, stamp.idempotency_key)).toEqual({ status: 'RELEASED', release_reason: 'EXPIRED' });
  });
});
