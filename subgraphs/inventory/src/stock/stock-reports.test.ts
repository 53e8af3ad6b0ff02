import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes, sqlQueryCount } from '@rtc/testkit';
import { asAdmin, asService, asUser, startTestInventory, type TestInventory } from '../testing';

const lowStock = `query Low($first: Int, $after: String) {
  lowStock(first: $first, after: $after) {
    edges { cursor node { product { id inStock } stock { available status } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ledger = `query Ledger($productId: ID!, $first: Int, $after: String) {
  stockLedger(productId: $productId, first: $first, after: $after) {
    edges { node { kind deltaOnHand deltaAvailable reason actor at product { id stock { available } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface LowStockData {
  lowStock: {
    edges: { node: { product: { id: string; inStock: boolean }; stock: { available: number; status: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface LedgerData {
  stockLedger: {
    edges: { node: { kind: string; deltaOnHand: number; reason: string | null; actor: string; product: { id: string; stock: { available: number } } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

let inventory: TestInventory;

const adjust = (productId: string, delta: number) =>
  inventory.call(
    'mutation($productId: ID!, $delta: Int!) { adjustStock(input: { productId: $productId, delta: $delta, reason: "count" }) { stock { available } errors { code } } }',
    { productId, delta },
    asAdmin,
  );

beforeAll(async () => {
  inventory = await startTestInventory();
  // 300 sold out, 301 and 303 low, 304 exactly at the threshold, 302 plenty.
  await inventory.restock('300', 2);
  await adjust('300', -2);
  await inventory.restock('301', 3);
  await inventory.restock('302', 50);
  await adjust('302', -5);
  await adjust('302', 1);
  await inventory.restock('303', 3);
  await inventory.restock('304', 10);
});

afterAll(async () => {
  await inventory?.stop();
});

describe('lowStock', () => {
  it('lists products at or under their threshold, fewest available first, page by page, in one query a page', async () => {
    const before = await sqlQueryCount(inventory.service.metrics);
    const first = await inventory.call<LowStockData>(lowStock, { first: 2 }, asUser('ANALYST'));
    expect(await sqlQueryCount(inventory.service.metrics)).toBe(before + 1);
    expect(first.data?.lowStock.edges.map((edge) => [edge.node.product.id, edge.node.stock.available, edge.node.stock.status])).toEqual([
      ['300', 0, 'OUT_OF_STOCK'],
      ['301', 3, 'LOW_STOCK'],
    ]);
    expect(first.data?.lowStock.edges[0]?.node.product.inStock).toBe(false);
    expect(first.data?.lowStock.pageInfo.hasNextPage).toBe(true);
    const second = await inventory.call<LowStockData>(lowStock, { first: 2, after: first.data?.lowStock.pageInfo.endCursor }, asAdmin);
    expect(second.data?.lowStock.edges.map((edge) => edge.node.product.id)).toEqual(['303', '304']);
    expect(second.data?.lowStock.pageInfo.hasNextPage).toBe(false);
  });

  it('is for staff only', async () => {
    expect(errorCodes(await inventory.call(lowStock, {}, asUser('CUSTOMER')))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await inventory.call(lowStock, {}, asService))).toEqual(['UNAUTHENTICATED']);
  });

  it('rejects pages over 100 and forged cursors naming the argument', async () => {
    const big = await inventory.call(lowStock, { first: 101 }, asAdmin);
    expect(big.errors?.[0]?.message).toBe('first: must be at most 100');
    const forged = await inventory.call(lowStock, { after: Buffer.from('["x",1]').toString('base64url') }, asAdmin);
    expect(errorCodes(forged)).toEqual(['BAD_USER_INPUT']);
    expect(forged.errors?.[0]?.message).toMatch(/^after:/);
  });
});

describe('stockLedger', () => {
  it('pages through a product movements newest first', async () => {
    const first = await inventory.call<LedgerData>(ledger, { productId: '302', first: 2 }, asUser('ANALYST'));
    expect(first.errors).toBeUndefined();
    expect(first.data?.stockLedger.edges.map((edge) => [edge.node.kind, edge.node.deltaOnHand, edge.node.actor])).toEqual([
      ['ADJUSTMENT', 1, 'user:1'],
      ['ADJUSTMENT', -5, 'user:1'],
    ]);
    expect(first.data?.stockLedger.edges[0]?.node.product).toEqual({ id: '302', stock: { available: 46 } });
    const rest = await inventory.call<LedgerData>(ledger, { productId: '302', after: first.data?.stockLedger.pageInfo.endCursor }, asAdmin);
    expect(rest.data?.stockLedger.edges.map((edge) => [edge.node.kind, edge.node.reason])).toEqual([['RESTOCK', 'delivery']]);
    expect(rest.data?.stockLedger.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
  });

  it('is empty for a malformed product id and for staff only', async () => {
    const malformed = await inventory.call<LedgerData>(ledger, { productId: 'abc' }, asAdmin);
    expect(malformed.data?.stockLedger.edges).toEqual([]);
    expect(errorCodes(await inventory.call(ledger, { productId: '302' }, asUser('CUSTOMER')))).toEqual(['FORBIDDEN']);
  });
});

describe('totalCount', () => {
  it('counts every low-stock level and every movement of a product, whatever the page, as SQL counts them', async () => {
    const counted = `query($productId: ID!, $after: String) {
      lowStock(first: 1, after: $after) { totalCount pageInfo { endCursor } }
      stockLedger(productId: $productId, first: 1) { totalCount }
      unknown: stockLedger(productId: "not-a-product", first: 1) { totalCount }
    }`;
    type Counted = { lowStock: { totalCount: number; pageInfo: { endCursor: string } }; stockLedger: { totalCount: number }; unknown: { totalCount: number } };
    const [low] = await inventory.rows<{ n: number }>('SELECT COUNT(*) AS n FROM stock WHERE available <= low_stock_threshold');
    const [moves] = await inventory.rows<{ n: number }>('SELECT COUNT(*) AS n FROM stock_ledger WHERE product_id = 302');
    const first = await inventory.call<Counted>(counted, { productId: '302' }, asAdmin);
    expect(first.data).toMatchObject({ lowStock: { totalCount: Number(low?.n) }, stockLedger: { totalCount: Number(moves?.n) }, unknown: { totalCount: 0 } });
    expect(Number(low?.n)).toBe(4);
    expect(Number(moves?.n)).toBe(3);
    const later = await inventory.call<Counted>(counted, { productId: '302', after: first.data!.lowStock.pageInfo.endCursor }, asAdmin);
    expect(later.data?.lowStock.totalCount).toBe(4);
  });
});

describe('stock gauges', () => {
  it('counts low and sold-out products on /metrics', async () => {
    const text = await (await fetch(`${inventory.service.url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('rtc_products_low_stock')).toBe(3);
    expect(value('rtc_products_out_of_stock')).toBe(1);
  });
});
