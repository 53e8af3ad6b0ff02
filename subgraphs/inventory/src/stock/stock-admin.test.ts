import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, payloadErrorCodes } from '@rtc/testkit';
import { asAdmin, asService, asUser, startTestInventory, stockOf, type TestInventory } from '../testing';

const restock = `mutation Restock($productId: ID!, $quantity: Int!, $reason: String!) {
  restock(input: { productId: $productId, quantity: $quantity, reason: $reason }) { stock { onHand reserved available lowStockThreshold status } errors { code } }
}`;
const adjust = `mutation Adjust($productId: ID!, $delta: Int!, $reason: String!) {
  adjustStock(input: { productId: $productId, delta: $delta, reason: $reason }) { stock { onHand available status } errors { code field productIds } }
}`;
const setThreshold = `mutation Threshold($productId: ID!, $threshold: Int!) {
  setLowStockThreshold(input: { productId: $productId, threshold: $threshold }) { stock { available lowStockThreshold status } errors { code } }
}`;

let inventory: TestInventory;

/** The stock a payload answered, after checking it carries no typed failure. */
const stockIn = (result: { data?: Record<string, unknown> }, mutation: string) => {
  const payload = result.data?.[mutation] as { stock: unknown; errors: unknown[] } | undefined;
  expect(payload?.errors).toEqual([]);
  return payload?.stock;
};

const ledgerCount = async (productId: string) =>
  (await inventory.rows<{ n: number }>('SELECT COUNT(*) AS n FROM stock_ledger WHERE product_id = ?', [productId]))[0]?.n;

beforeAll(async () => {
  inventory = await startTestInventory();
});

afterAll(async () => {
  await inventory?.stop();
});

describe('restock', () => {
  it('receives units into a product inventory never held, with a RESTOCK ledger row naming the admin', async () => {
    const result = await inventory.call(restock, { productId: '200', quantity: 25, reason: ' delivery 7 ' }, asAdmin);
    expect(result.errors).toBeUndefined();
    expect(stockIn(result, 'restock')).toEqual({ onHand: 25, reserved: 0, available: 25, lowStockThreshold: 10, status: 'IN_STOCK' });
    const again = await inventory.call(restock, { productId: '200', quantity: 5, reason: 'delivery 8' }, asAdmin);
    expect(stockIn(again, 'restock')).toMatchObject({ onHand: 30, available: 30 });
    expect(await inventory.rows('SELECT kind, delta_on_hand, delta_available, reason, actor FROM stock_ledger WHERE product_id = 200 ORDER BY id')).toEqual([
      { kind: 'RESTOCK', delta_on_hand: 25, delta_available: 25, reason: 'delivery 7', actor: 'user:1' },
      { kind: 'RESTOCK', delta_on_hand: 5, delta_available: 5, reason: 'delivery 8', actor: 'user:1' },
    ]);
  });

  it.each([
    ['no user', asService, 'UNAUTHENTICATED'],
    ['a customer', asUser('CUSTOMER'), 'FORBIDDEN'],
    ['an analyst', asUser('ANALYST'), 'FORBIDDEN'],
  ])('refuses %s with %s and moves nothing', async (_who, headers, code) => {
    const result = await inventory.call(restock, { productId: '201', quantity: 5, reason: 'x' }, headers);
    expect(errorCodes(result)).toEqual([code]);
    expect(await stockOf(inventory, '201')).toBeUndefined();
  });

  it.each([
    [{ quantity: 0 }, 'quantity'],
    [{ quantity: -4 }, 'quantity'],
    [{ quantity: 100_001 }, 'quantity'],
    [{ productId: 'abc' }, 'productId'],
    [{ productId: '-3' }, 'productId'],
    [{ reason: '   ' }, 'reason'],
  ])('rejects %j naming %s and writes nothing', async (override, argument) => {
    const result = await inventory.call(restock, { productId: '202', quantity: 5, reason: 'delivery', ...override }, asAdmin);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message.startsWith(`input.${argument}:`)).toBe(true);
    expect(await stockOf(inventory, '202')).toBeUndefined();
  });
});

describe('adjustStock', () => {
  it('corrects stock both ways but never below zero available, counting reserved units as taken', async () => {
    await inventory.restock('210', 5);
    await inventory.call(
      'mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }',
      { input: { reference: 'adjust-hold', lines: [{ productId: '210', quantity: 3 }] } },
      asService,
    );
    const down = await inventory.call(adjust, { productId: '210', delta: -2, reason: 'count' }, asAdmin);
    expect(stockIn(down, 'adjustStock')).toEqual({ onHand: 3, available: 0, status: 'OUT_OF_STOCK' });
    const tooFar = await inventory.call(adjust, { productId: '210', delta: -1, reason: 'count' }, asAdmin);
    expect(tooFar.errors).toBeUndefined();
    expect(tooFar.data).toEqual({ adjustStock: { stock: null, errors: [{ code: 'OUT_OF_STOCK', field: ['input', 'delta'], productIds: ['210'] }] } });
    expect(await stockOf(inventory, '210')).toEqual({ on_hand: 3, reserved: 3, available: 0 });
    const up = await inventory.call(adjust, { productId: '210', delta: 4, reason: 'found a box' }, asAdmin);
    expect(stockIn(up, 'adjustStock')).toEqual({ onHand: 7, available: 4, status: 'LOW_STOCK' });
    const [sums] = await inventory.rows<{ on_hand: number; available: number }>(
      'SELECT SUM(delta_on_hand) AS on_hand, SUM(delta_available) AS available FROM stock_ledger WHERE product_id = 210',
    );
    expect(sums).toEqual({ on_hand: 7, available: 4 });
  });

  it('refuses a negative delta for a product never stocked and a zero delta', async () => {
    const never = await inventory.call(adjust, { productId: '211', delta: -1, reason: 'count' }, asAdmin);
    expect(payloadErrorCodes(never)).toEqual(['OUT_OF_STOCK']);
    expect(await stockOf(inventory, '211')).toBeUndefined();
    const zero = await inventory.call(adjust, { productId: '211', delta: 0, reason: 'count' }, asAdmin);
    expect(zero.errors?.[0]?.message).toMatch(/^input\.delta:/);
    expect(errorCodes(await inventory.call(adjust, { productId: '211', delta: 1, reason: 'x' }, asUser('ANALYST')))).toEqual(['FORBIDDEN']);
  });
});

describe('setLowStockThreshold', () => {
  it('moves the product into the low band and tells the bus, without a ledger row', async () => {
    await inventory.restock('220', 15);
    await inventory.service.service.relay.drain();
    const seen: Record<string, unknown>[] = [];
    const unsubscribe = inventory.service.bus.subscribe((event) => {
      if (event.type === 'StockChanged' && event.aggregateId === '220') seen.push(event.payload);
    });
    const result = await inventory.call(setThreshold, { productId: '220', threshold: 15 }, asAdmin);
    expect(stockIn(result, 'setLowStockThreshold')).toEqual({ available: 15, lowStockThreshold: 15, status: 'LOW_STOCK' });
    await inventory.service.service.relay.drain();
    unsubscribe();
    expect(seen).toEqual([expect.objectContaining({ previousStatus: 'IN_STOCK', status: 'LOW_STOCK', lowStockThreshold: 15, movement: null })]);
    expect(await ledgerCount('220')).toBe(1);
  });

  it('creates a zero row for a product never stocked and refuses a negative threshold or a non-admin', async () => {
    const created = await inventory.call(setThreshold, { productId: '221', threshold: 0 }, asAdmin);
    expect(stockIn(created, 'setLowStockThreshold')).toEqual({ available: 0, lowStockThreshold: 0, status: 'OUT_OF_STOCK' });
    const negative = await inventory.call(setThreshold, { productId: '221', threshold: -1 }, asAdmin);
    expect(negative.errors?.[0]?.message).toMatch(/^input\.threshold:/);
    expect(errorCodes(await inventory.call(setThreshold, { productId: '221', threshold: 3 }, asUser('CUSTOMER')))).toEqual(['FORBIDDEN']);
  });
});
