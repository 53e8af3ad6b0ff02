import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@rtc/service-kit';
import { failureCodes, postGraphQL, queryRows } from '@rtc/testkit';
import { callerHeaders, startOrderStack, type OrderStack } from '../testing';
import { orderFingerprint } from './order-fingerprint';
import { reservationReference } from './reservation-reference';

const placeOrder = /* GraphQL */ `
  mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      order {
        id
        number
        status
        user { id }
        total { amount currency }
        itemCount
        placedAt
        lines { product { id } quantity unitPrice { amount currency } lineTotal { amount currency } }
      }
      errors { code message field productIds }
    }
  }
`;

interface PayloadError {
  code: string;
  message: string;
  field: string[] | null;
  productIds: string[] | null;
}

/** The typed failure of a placeOrder answer, or undefined. */
const failureOf = (result: { data?: unknown }) => (result.data as { placeOrder: { errors: PayloadError[] } } | undefined)?.placeOrder.errors[0];

interface PlacedOrder {
  id: string;
  number: string;
  status: string;
  user: { id: string };
  total: { amount: number; currency: string };
  itemCount: number;
  placedAt: string;
  lines: { product: { id: string }; quantity: number; unitPrice: { amount: number }; lineTotal: { amount: number } }[];
}

let stack: OrderStack;
let kettle: string;
let mug: string;
let lamp: string;
let retired: string;
let euro: string;
let scarce: string;
let spare: string;

const stockOf = async (productId: string) =>
  (await stack.inventoryRows<{ available: number; reserved: number }>('SELECT available, reserved FROM stock WHERE product_id = ?', [productId]))[0];

const outOfStockCount = async () => {
  const text = await stack.orders.metrics.registry.getSingleMetricAsString('rtc_mutation_failures_total');
  return Number(/mutation="placeOrder",code="OUT_OF_STOCK"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
};

const ordersOf = async (userId: string) => Number((await stack.orderRows<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [userId]))[0]?.n);

beforeAll(async () => {
  stack = await startOrderStack();
  [kettle, mug, lamp, retired, euro, scarce, spare] = await stack.seedProducts([
    { sku: 'KETTLE', price: 2_499, stock: 1_000 },
    { sku: 'MUG', price: 850, stock: 1_000 },
    { sku: 'LAMP', price: 4_000, stock: 1_000 },
    { sku: 'RETIRED', price: 100, active: false, stock: 10 },
    { sku: 'EURO', price: 1_000, currency: 'EUR', stock: 10 },
    { sku: 'SCARCE', price: 500, stock: 2 },
    { sku: 'SPARE', price: 300, stock: 50 },
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('placeOrder', () => {
  it('prices lines from the catalog, reserves stock and writes the order, rollups and OrderPlaced in one go', async () => {
    const events: DomainEvent[] = [];
    const unsubscribe = stack.orders.bus.subscribe((event) => events.push(event));
    const result = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(
      placeOrder,
      {
        input: {
          idempotencyKey: 'happy-1',
          lines: [
            { productId: kettle, quantity: 2 },
            { productId: mug, quantity: 3 },
          ],
        },
      },
      { userId: '101' },
    );
    expect(result.errors).toBeUndefined();
    const order = result.data!.placeOrder.order!;
    expect(order).toMatchObject({
      status: 'PENDING',
      user: { id: '101' },
      total: { amount: 2 * 2_499 + 3 * 850, currency: 'USD' },
      itemCount: 5,
      number: `RTC-${order.id.padStart(6, '0')}`,
    });
    expect(order.lines.map((line) => [line.product.id, line.quantity, line.unitPrice.amount, line.lineTotal.amount])).toEqual(
      [
        [kettle, 2, 2_499, 4_998],
        [mug, 3, 850, 2_550],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );

    expect(await stockOf(kettle)).toEqual({ available: 998, reserved: 2 });
    const [reservation] = await stack.inventoryRows<{ status: string }>('SELECT status FROM reservations WHERE reference = ?', [
      reservationReference(
        101,
        'happy-1',
        orderFingerprint([
          { productId: Number(kettle), variantId: Number(kettle), quantity: 2 },
          { productId: Number(mug), variantId: Number(mug), quantity: 3 },
        ]),
      ),
    ]);
    expect(reservation?.status).toBe('HELD');

    const minute = new Date(Math.floor(Date.parse(order.placedAt) / 60_000) * 60_000);
    const [rollup] = await stack.orderRows<{ orders: number; revenue: number; units: number }>(
      'SELECT orders, revenue, units FROM sales_by_minute WHERE currency = ? AND minute = ?',
      ['USD', minute],
    );
    expect(rollup).toEqual({ orders: 1, revenue: 7_548, units: 5 });
    const productRollups = await stack.orderRows('SELECT product_id, orders, units, revenue FROM product_sales_by_minute ORDER BY product_id');
    expect(productRollups).toEqual(
      [
        { product_id: Number(kettle), orders: 1, units: 2, revenue: 4_998 },
        { product_id: Number(mug), orders: 1, units: 3, revenue: 2_550 },
      ].sort((a, b) => a.product_id - b.product_id),
    );
    const [customer] = await stack.orderRows<{ orders: number; first_order_at: Date }>('SELECT orders, first_order_at FROM customer_stats WHERE user_id = 101');
    expect(customer).toEqual({ orders: 1, first_order_at: new Date(order.placedAt) });

    await stack.orders.service.relay.drain();
    unsubscribe();
    const placed = events.find((event) => event.type === 'OrderPlaced');
    expect(placed?.aggregateId).toBe(order.id);
    expect(placed?.payload).toEqual({
      orderId: order.id,
      userId: '101',
      total: { amount: 7_548, currency: 'USD' },
      units: 5,
      placedAt: order.placedAt,
      lines: expect.arrayContaining([
        { productId: kettle, variantId: kettle, quantity: 2, lineTotal: { amount: 4_998, currency: 'USD' } },
        { productId: mug, variantId: mug, quantity: 3, lineTotal: { amount: 2_550, currency: 'USD' } },
      ]),
    });

    const metrics = await stack.orders.metrics.registry.metrics();
    expect(metrics).toContain('rtc_orders_placed_total{currency="USD",service="orders"} 1\n');
    expect(metrics).toContain('rtc_revenue_minor_units_total{currency="USD",service="orders"} 7548\n');
    expect(metrics).toContain('rtc_units_sold_total{service="orders"} 5\n');
  });

  it('returns the first order for a repeated idempotency key and reserves nothing again', async () => {
    const input = { idempotencyKey: 'again-1', lines: [{ productId: lamp, quantity: 1 }] };
    const first = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '102' });
    const second = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '102' });
    expect(second.data?.placeOrder.order?.id).toBe(first.data?.placeOrder.order?.id);
    expect(second.data?.placeOrder.order?.itemCount).toBe(1);
    expect(await stockOf(lamp)).toEqual({ available: 999, reserved: 1 });
    // The same key from another customer is another order.
    const other = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '103' });
    expect(other.data?.placeOrder.order?.id).not.toBe(first.data?.placeOrder.order?.id);
    // The repeat looked its order up with the intent in one round trip, and left no intent behind.
    expect(await stack.orderRows('SELECT reservation_ref FROM checkout_intents')).toEqual([]);
  });

  it('answers a repeat of a placed order with it even once catalog stops selling the product: prices asked in flight count only for a new order', async () => {
    const [withdrawn] = await stack.seedProducts([{ sku: 'WITHDRAWN-LATER', price: 700, stock: 10 }]);
    const input = { idempotencyKey: 'repeat-withdrawn', lines: [{ productId: withdrawn, quantity: 1 }] };
    const first = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '131' });
    expect(first.errors).toBeUndefined();
    expect(first.data?.placeOrder.errors).toEqual([]);
    await queryRows(stack.catalogDb.url, 'UPDATE products SET active = 0 WHERE id = ?', [withdrawn]);
    const repeat = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '131' });
    expect(repeat.errors).toBeUndefined();
    expect(repeat.data?.placeOrder.order?.id).toBe(first.data?.placeOrder.order?.id);
    const fresh = await stack.call(placeOrder, { input: { ...input, idempotencyKey: 'repeat-withdrawn-2' } }, { userId: '131' });
    expect(failureCodes(fresh)).toEqual(['PRODUCT_UNAVAILABLE']);
  });

  it('treats the same lines in another order or split in two as the same payload', async () => {
    const input = {
      idempotencyKey: 'same-payload',
      lines: [
        { productId: kettle, quantity: 1 },
        { productId: lamp, quantity: 2 },
      ],
    };
    const first = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '110' });
    const reordered = [
      { productId: lamp, quantity: 1 },
      { productId: kettle, quantity: 1 },
      { productId: lamp, quantity: 1 },
    ];
    const again = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(
      placeOrder,
      { input: { ...input, lines: reordered } },
      { userId: '110' },
    );
    expect(again.errors).toBeUndefined();
    expect(again.data?.placeOrder.order?.id).toBe(first.data?.placeOrder.order?.id);
  });

  it('refuses a repeated idempotency key with other lines or quantities as IDEMPOTENCY_KEY_REUSED and reserves nothing', async () => {
    const input = { idempotencyKey: 'reused-1', lines: [{ productId: lamp, quantity: 1 }] };
    const first = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(placeOrder, { input }, { userId: '111' });
    expect(first.errors).toBeUndefined();
    const stockAfterFirst = { lamp: await stockOf(lamp), mug: await stockOf(mug) };
    for (const lines of [
      [{ productId: lamp, quantity: 7 }],
      [{ productId: mug, quantity: 1 }],
      [
        { productId: lamp, quantity: 1 },
        { productId: mug, quantity: 1 },
      ],
    ]) {
      const reused = await stack.call(placeOrder, { input: { ...input, lines } }, { userId: '111' });
      expect(reused.errors).toBeUndefined();
      expect(failureOf(reused)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] });
      expect(reused.data).toMatchObject({ placeOrder: { order: null } });
    }
    const fromCart = await stack.call(placeOrder, { input: { idempotencyKey: 'reused-1', fromCart: true } }, { userId: '111' });
    expect(failureCodes(fromCart)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    expect({ lamp: await stockOf(lamp), mug: await stockOf(mug) }).toEqual(stockAfterFirst);
    expect(await ordersOf('111')).toBe(1);
    expect(await stack.inventoryRows('SELECT id FROM reservations WHERE reference LIKE ?', ['order-111-%'])).toHaveLength(1);
  });

  it('places one order for concurrent calls with one key and different payloads, holding only its own lines', async () => {
    const replica = await stack.startReplica();
    const before = { kettle: await stockOf(kettle), lamp: await stockOf(lamp) };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const lines = i % 2 === 0 ? [{ productId: kettle, quantity: 1 }] : [{ productId: lamp, quantity: 5 }];
        return postGraphQL<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(
          i % 4 < 2 ? stack.orders.graphqlUrl : replica.graphqlUrl,
          placeOrder,
          {
            input: { idempotencyKey: 'race-payloads', lines },
          },
          { headers: callerHeaders({ userId: '112' }) },
        );
      }),
    );
    const placed = results.filter((result) => result.data?.placeOrder.order);
    expect(new Set(placed.map((result) => result.data!.placeOrder.order!.id)).size).toBe(1);
    // Every call with the winner's payload gets its order; every call with the other payload is refused.
    expect(placed).toHaveLength(6);
    expect(results.flatMap(failureCodes)).toEqual(Array(6).fill('IDEMPOTENCY_KEY_REUSED'));
    expect(await ordersOf('112')).toBe(1);
    const [order] = await stack.orderRows<{ reservation_ref: string }>('SELECT reservation_ref FROM orders WHERE user_id = ?', ['112']);
    const held = await stack.inventoryRows<{ reference: string }>("SELECT reference FROM reservations WHERE reference LIKE 'order-112-%' AND status = 'HELD'");
    expect(held).toEqual([{ reference: order!.reservation_ref }]);
    const wonByKettle = placed[0]!.data!.placeOrder.order!.lines[0]!.product.id === kettle;
    expect({ kettle: await stockOf(kettle), lamp: await stockOf(lamp) }).toEqual({
      kettle: wonByKettle ? { available: before.kettle!.available - 1, reserved: before.kettle!.reserved + 1 } : before.kettle,
      lamp: wonByKettle ? before.lamp : { available: before.lamp!.available - 5, reserved: before.lamp!.reserved + 5 },
    });
  });

  it('places one order and one reservation for 20 concurrent calls with one key on two replicas', async () => {
    const replica = await stack.startReplica();
    const input = { idempotencyKey: 'burst-key', lines: [{ productId: spare, quantity: 3 }] };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postGraphQL<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(
          i % 2 === 0 ? stack.orders.graphqlUrl : replica.graphqlUrl,
          placeOrder,
          { input },
          {
            headers: callerHeaders({ userId: '104' }),
          },
        ),
      ),
    );
    expect(results.flatMap(failureCodes)).toEqual([]);
    expect(new Set(results.map((result) => result.data?.placeOrder.order?.id)).size).toBe(1);
    expect(await ordersOf('104')).toBe(1);
    const reservations = await stack.inventoryRows<{ status: string }>('SELECT status FROM reservations WHERE reference LIKE ?', ['order-104-%']);
    expect(reservations).toEqual([{ status: 'HELD' }]);
    expect(await stockOf(spare)).toEqual({ available: 47, reserved: 3 });
    const [rollup] = await stack.orderRows<{ n: number }>('SELECT COALESCE(SUM(units), 0) AS n FROM product_sales_by_minute WHERE product_id = ?', [spare]);
    expect(Number(rollup?.n)).toBe(3);
  });

  it('fails with OUT_OF_STOCK naming the short product and leaves the other line untouched', async () => {
    const failuresBefore = await outOfStockCount();
    const result = await stack.call(
      placeOrder,
      {
        input: {
          idempotencyKey: 'short-1',
          lines: [
            { productId: mug, quantity: 1 },
            { productId: scarce, quantity: 3 },
          ],
        },
      },
      { userId: '105' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.placeOrder).toEqual({
      order: null,
      errors: [{ code: 'OUT_OF_STOCK', message: `Out of stock: ${scarce}`, field: null, productIds: [scarce] }],
    });
    // Still counted as a failed request and as a business failure, as when it was a GraphQL error.
    expect(await outOfStockCount()).toBe(failuresBefore + 1);
    expect(await stack.orders.metrics.registry.getSingleMetricAsString('rtc_graphql_requests_total')).toMatch(/operation="Place",outcome="error"/);
    expect(await stockOf(mug)).toEqual({ available: 997, reserved: 3 });
    expect(await stockOf(scarce)).toEqual({ available: 2, reserved: 0 });
    expect(await ordersOf('105')).toBe(0);
    expect(
      await stack.inventoryRows('SELECT id FROM reservations WHERE reference = ?', [
        reservationReference(
          105,
          'short-1',
          orderFingerprint([
            { productId: Number(mug), variantId: Number(mug), quantity: 1 },
            { productId: Number(scarce), variantId: Number(scarce), quantity: 3 },
          ]),
        ),
      ]),
    ).toEqual([]);
  });

  it('merges lines naming the same product', async () => {
    const result = await stack.call<{ placeOrder: { order: PlacedOrder | null; errors: PayloadError[] } }>(
      placeOrder,
      {
        input: {
          idempotencyKey: 'merge-1',
          lines: [
            { productId: mug, quantity: 2 },
            { productId: mug, quantity: 5 },
          ],
        },
      },
      { userId: '106' },
    );
    expect(result.data?.placeOrder.order?.lines.map((line) => [line.product.id, line.quantity])).toEqual([[mug, 7]]);
    expect(result.data?.placeOrder.order?.total.amount).toBe(7 * 850);
  });

  const many = (count: number) => Array.from({ length: count }, (_, i) => ({ productId: String(900_000 + i), quantity: 1 }));
  const badCases: [string, () => Record<string, unknown>, string, string][] = [
    ['a zero quantity', () => ({ lines: [{ productId: mug, quantity: 0 }] }), 'BAD_USER_INPUT', 'input.lines[0].quantity:'],
    ['a negative quantity', () => ({ lines: [{ productId: mug, quantity: -2 }] }), 'BAD_USER_INPUT', 'input.lines[0].quantity:'],
    ['a quantity over 100', () => ({ lines: [{ productId: mug, quantity: 101 }] }), 'BAD_USER_INPUT', 'input.lines[0].quantity:'],
    [
      'merged lines over 100 units',
      () => ({
        lines: [
          { productId: mug, quantity: 60 },
          { productId: mug, quantity: 41 },
        ],
      }),
      'BAD_USER_INPUT',
      'input.lines:',
    ],
    ['more than 50 lines', () => ({ lines: many(51) }), 'BAD_USER_INPUT', 'input.lines: an order has at most 50 lines'],
    ['no lines', () => ({ lines: [] }), 'BAD_USER_INPUT', 'input.lines: an order needs at least one line'],
    ['no lines at all', () => ({}), 'BAD_USER_INPUT', 'input.lines:'],
    ['an empty key', () => ({ idempotencyKey: '  ', lines: [{ productId: mug, quantity: 1 }] }), 'BAD_USER_INPUT', 'input.idempotencyKey: must not be empty'],
    [
      'a key over 64 characters',
      () => ({ idempotencyKey: 'k'.repeat(65), lines: [{ productId: mug, quantity: 1 }] }),
      'BAD_USER_INPUT',
      'input.idempotencyKey:',
    ],
    [
      'an unknown product',
      () => ({
        lines: [
          { productId: mug, quantity: 1 },
          { productId: '987654', quantity: 1 },
        ],
      }),
      'PRODUCT_UNAVAILABLE',
      'input.lines: unknown or inactive products: 987654',
    ],
    ['an inactive product', () => ({ lines: [{ productId: retired, quantity: 1 }] }), 'PRODUCT_UNAVAILABLE', 'input.lines: unknown or inactive products:'],
    ['a malformed product id', () => ({ lines: [{ productId: 'mug', quantity: 1 }] }), 'BAD_USER_INPUT', 'input.lines[0].productId:'],
    [
      'two currencies',
      () => ({
        lines: [
          { productId: mug, quantity: 1 },
          { productId: euro, quantity: 1 },
        ],
      }),
      'BAD_USER_INPUT',
      'input.lines: one order takes one currency',
    ],
    ['lines together with fromCart', () => ({ fromCart: true, lines: [{ productId: mug, quantity: 1 }] }), 'BAD_USER_INPUT', 'input.lines:'],
    ['an empty cart', () => ({ fromCart: true }), 'CART_EMPTY', 'The cart is empty'],
  ];

  it.each(badCases)('refuses %s with a stable code and writes nothing', async (_name, input, code, message) => {
    const before = await stack.inventoryRows<{ n: number }>('SELECT COUNT(*) AS n FROM reservations');
    const result = await stack.call(placeOrder, { input: { idempotencyKey: 'bad-input', ...input() } }, { userId: '107' });
    expect(failureCodes(result)).toEqual([code]);
    expect((result.errors?.[0] ?? failureOf(result))?.message.startsWith(message)).toBe(true);
    expect(await ordersOf('107')).toBe(0);
    expect(await stack.inventoryRows<{ n: number }>('SELECT COUNT(*) AS n FROM reservations')).toEqual(before);
  });

  it('names every unknown or inactive product', async () => {
    const result = await stack.call(
      placeOrder,
      {
        input: {
          idempotencyKey: 'unknowns',
          lines: [
            { productId: retired, quantity: 1 },
            { productId: '555555', quantity: 1 },
          ],
        },
      },
      { userId: '107' },
    );
    expect(failureOf(result)).toMatchObject({ code: 'PRODUCT_UNAVAILABLE', field: ['input', 'lines'], productIds: [retired, '555555'] });
    // The intent recorded while catalog was asked goes again: nothing was reserved, and the key may be retried.
    const reference = reservationReference(
      107,
      'unknowns',
      orderFingerprint([
        { productId: Number(retired), variantId: Number(retired), quantity: 1 },
        { productId: 555555, variantId: 555555, quantity: 1 },
      ]),
    );
    expect(await stack.orderRows('SELECT state FROM checkout_intents WHERE reservation_ref = ?', [reference])).toEqual([]);
    const retried = await stack.call(
      placeOrder,
      {
        input: {
          idempotencyKey: 'unknowns',
          lines: [
            { productId: retired, quantity: 1 },
            { productId: '555555', quantity: 1 },
          ],
        },
      },
      { userId: '107' },
    );
    expect(failureCodes(retried)).toEqual(['PRODUCT_UNAVAILABLE']);
  });

  it('asks for a caller', async () => {
    const result = await stack.call(placeOrder, { input: { idempotencyKey: 'anon', lines: [{ productId: mug, quantity: 1 }] } }, null);
    expect(failureCodes(result)).toEqual(['UNAUTHENTICATED']);
  });

  it('gives the stock back (FAILED) when the order cannot be written, and refuses that key afterwards', async () => {
    await stack.orderRows(
      "CREATE TRIGGER refuse_quantity_99 BEFORE INSERT ON order_lines FOR EACH ROW BEGIN IF NEW.quantity = 99 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'; END IF; END",
    );
    try {
      const input = { idempotencyKey: 'doomed', lines: [{ productId: lamp, quantity: 99 }] };
      const before = await stockOf(lamp);
      const failed = await stack.call(placeOrder, { input }, { userId: '108' });
      expect(failed.errors).toHaveLength(1);
      expect(await stockOf(lamp)).toEqual(before);
      const [reservation] = await stack.inventoryRows('SELECT status, release_reason FROM reservations WHERE reference = ?', [
        reservationReference(108, 'doomed', orderFingerprint([{ productId: Number(lamp), variantId: Number(lamp), quantity: 99 }])),
      ]);
      expect(reservation).toEqual({ status: 'RELEASED', release_reason: 'FAILED' });
      expect(await ordersOf('108')).toBe(0);
      expect(await stack.orderRows('SELECT id FROM outbox WHERE JSON_VALUE(payload, "$.userId") = "108"')).toEqual([]);

      const again = await stack.call(placeOrder, { input }, { userId: '108' });
      expect(failureCodes(again)).toEqual(['CONFLICT']);
      expect(await stockOf(lamp)).toEqual(before);
    } finally {
      await stack.orderRows('DROP TRIGGER refuse_quantity_99');
    }
  });
});
