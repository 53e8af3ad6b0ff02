import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureCodes } from '@rtc/testkit';
import { startOrderStack, type Caller, type OrderStack } from '../testing';
import { parseTaxRates } from '../totals/order-totals';

const placeOrder = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order {
      id
      subtotal { amount } shippingTotal { amount } taxTotal { amount } discountTotal { amount } total { amount currency }
      lines { lineTotal { amount } }
      shippingAddress { name line1 line2 city region postalCode country phone }
    }
    errors { code field }
  }
}`;

interface Placed {
  id: string;
  subtotal: { amount: number };
  shippingTotal: { amount: number };
  taxTotal: { amount: number };
  discountTotal: { amount: number };
  total: { amount: number; currency: string };
  lines: { lineTotal: { amount: number } }[];
  shippingAddress: Record<string, string | null> | null;
}

let stack: OrderStack;
let kettle: string;
let mug: string;
let clip: string;

const berlin = { name: 'Grace Hopper', line1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'de' };
const shopper: Caller = { userId: '801' };

async function place(input: Record<string, unknown>, as: Caller = shopper): Promise<Placed> {
  const result = await stack.call<{ placeOrder: { order: Placed; errors: unknown[] } }>(placeOrder, { input }, as);
  expect(result.errors).toBeUndefined();
  expect(result.data!.placeOrder.errors).toEqual([]);
  return result.data!.placeOrder.order;
}

beforeAll(async () => {
  stack = await startOrderStack({
    config: { pricing: { shippingFee: 495, shippingFreeFrom: 5_000, taxRates: parseTaxRates('DE:19,US:8.875'), defaultTaxRate: 0 } },
  });
  [kettle, mug, clip] = await stack.seedProducts([
    { sku: 'KETTLE', price: 2_499, stock: 1_000 },
    { sku: 'MUG', price: 851, stock: 1_000 },
    { sku: 'CLIP', price: 7, stock: 1_000 },
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe('order totals and the shipping address', () => {
  it('fixes subtotal, shipping and tax of the address country on the order, and copies the address onto it', async () => {
    const order = await place({ idempotencyKey: 'de-1', lines: [{ productId: mug, quantity: 3 }], shippingAddress: { ...berlin, line2: ' ' } });
    // 3 x 851 = 2,553; shipping 495 below 5,000; 19% of 2,553 = 485.07 -> 485.
    expect([order.subtotal.amount, order.shippingTotal.amount, order.taxTotal.amount, order.discountTotal.amount, order.total.amount]).toEqual([
      2_553, 495, 485, 0, 3_533,
    ]);
    expect(order.shippingAddress).toEqual({ ...berlin, country: 'DE', line2: null, region: null, phone: null });
    const [row] = await stack.orderRows<{ shipping_address: unknown }>('SELECT shipping_address FROM orders WHERE id = ?', [order.id]);
    expect(JSON.stringify(row!.shipping_address)).toContain('Unter den Linden 1');
  });

  it('ships free from the threshold and charges no tax where no rate applies, nor without an address', async () => {
    const free = await place({ idempotencyKey: 'fr-1', lines: [{ productId: kettle, quantity: 2 }], shippingAddress: { ...berlin, country: 'FR' } });
    expect([free.subtotal.amount, free.shippingTotal.amount, free.taxTotal.amount, free.total.amount]).toEqual([4_998, 495, 0, 5_493]);
    const over = await place({ idempotencyKey: 'none-1', lines: [{ productId: kettle, quantity: 3 }] });
    expect([over.subtotal.amount, over.shippingTotal.amount, over.taxTotal.amount, over.total.amount, over.shippingAddress]).toEqual([
      7_497,
      0,
      0,
      7_497,
      null,
    ]);
  });

  it('keeps subtotal = sum of the lines and total = subtotal + shipping + tax - discount on every order, rounding tax per order', async () => {
    const buyer: Caller = { userId: '802' };
    for (let index = 0; index < 12; index++) {
      await place(
        {
          idempotencyKey: `mix-${index}`,
          lines: [
            { productId: clip, quantity: 1 + index * 7 },
            { productId: mug, quantity: 1 + (index % 3) },
          ],
          shippingAddress: { ...berlin, country: index % 2 === 0 ? 'US' : 'DE' },
        },
        buyer,
      );
    }
    const rows = await stack.orderRows<Record<string, number | string>>(
      `SELECT o.id, o.subtotal_amount, o.shipping_amount, o.tax_amount, o.discount_amount, o.total_amount,
         JSON_VALUE(o.shipping_address, '$.country') AS country, SUM(l.line_amount) AS lines_amount
       FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.user_id = ? GROUP BY o.id`,
      [buyer.userId],
    );
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      const [subtotal, shipping, tax, discount, total] = ['subtotal_amount', 'shipping_amount', 'tax_amount', 'discount_amount', 'total_amount'].map((key) =>
        Number(row[key]),
      );
      expect(subtotal).toBe(Number(row['lines_amount']));
      expect(total).toBe(subtotal! + shipping! + tax! - discount!);
      // Half up in minor units: floor(x + 0.5) of the exact product, computed here in integers.
      const ppm = row['country'] === 'DE' ? 190_000n : 88_750n;
      expect(BigInt(tax!)).toBe((BigInt(subtotal!) * ppm + 500_000n) / 1_000_000n);
      expect(shipping).toBe(subtotal! >= 5_000 ? 0 : 495);
    }
  });

  it('takes the address into the idempotency fingerprint, and refuses a malformed one before reserving anything', async () => {
    await place({ idempotencyKey: 'addr-key', lines: [{ productId: mug, quantity: 1 }], shippingAddress: berlin });
    const again = await place({ idempotencyKey: 'addr-key', lines: [{ productId: mug, quantity: 1 }], shippingAddress: { ...berlin, country: 'DE' } });
    expect(again.shippingAddress?.['country']).toBe('DE');
    const elsewhere = await stack.call(
      placeOrder,
      { input: { idempotencyKey: 'addr-key', lines: [{ productId: mug, quantity: 1 }], shippingAddress: { ...berlin, city: 'Hamburg' } } },
      shopper,
    );
    expect(failureCodes(elsewhere)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    const malformed = await stack.call(
      placeOrder,
      { input: { idempotencyKey: 'addr-bad', lines: [{ productId: mug, quantity: 1 }], shippingAddress: { ...berlin, country: 'Deutschland' } } },
      shopper,
    );
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input.shippingAddress.country' });
  });

  it('counts the order total (shipping and tax included) in gross sales', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const result = await stack.call<{ salesSummary: { current: { gross: { revenue: { amount: number } } } } }>(
      'query($from: DateTime!, $to: DateTime!) { salesSummary(from: $from, to: $to) { current { gross { revenue { amount } } } } }',
      { from, to },
      { userId: '1', role: 'ADMIN' },
    );
    const [sums] = await stack.orderRows<{ total: number }>('SELECT SUM(total_amount) AS total FROM orders');
    expect(result.data!.salesSummary.current.gross.revenue.amount).toBe(Number(sums!.total));
  });
});
