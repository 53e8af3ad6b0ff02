import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalClient, createPooledFetch, ErrorCode } from '@rtc/service-kit';
import { errorCodes, testInternalToken } from '@rtc/testkit';
import { asAdmin, asUser, startTestInventory, type TestInventory } from '../testing';

// A T-shirt (product 700) in three sizes: its default variant S carries the product's id, M and L ids of their own.
const product = '700';
const medium = '1000000000701';
const large = '1000000000702';

const restock = `mutation($productId: ID!, $variantId: ID, $quantity: Int!) {
  restock(input: { productId: $productId, variantId: $variantId, quantity: $quantity, reason: "delivery" }) { stock { available } errors { code } }
}`;
const entities = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { id inStock stock { available onHand status } }
    ... on ProductVariant { id inStock stock { available onHand status } }
  }
}`;

type Entity = { id: string; inStock: boolean; stock: { available: number; onHand: number; status: string } };

let inventory: TestInventory;
const fetch = createPooledFetch({ timeoutMs: 5_000 });

beforeAll(async () => {
  inventory = await startTestInventory();
  for (const [variantId, quantity] of [
    [null, 3],
    [medium, 8],
    [large, 20],
  ] as const) {
    const result = await inventory.call(restock, { productId: product, variantId, quantity }, asAdmin);
    expect(result.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await fetch.close();
  await inventory?.stop();
});

const read = async (...representations: { __typename: string; id: string }[]) =>
  (await inventory.call<{ _entities: Entity[] }>(entities, { representations }, asUser('ANALYST'))).data!._entities;

describe('stock per variant', () => {
  it("keeps each variant's stock apart and gives the product their sum", async () => {
    const [sum, small, m, l] = await read(
      { __typename: 'Product', id: product },
      { __typename: 'ProductVariant', id: product },
      { __typename: 'ProductVariant', id: medium },
      { __typename: 'ProductVariant', id: large },
    );
    expect([small!.stock.available, m!.stock.available, l!.stock.available]).toEqual([3, 8, 20]);
    expect(sum).toEqual({ id: product, inStock: true, stock: { available: 31, onHand: 31, status: 'IN_STOCK' } });
    expect(small!.stock.status).toBe('LOW_STOCK');
  });

  it('refuses stock for a variant under a product it does not belong to, moving nothing', async () => {
    const wrong = await inventory.call(restock, { productId: '701', variantId: medium, quantity: 5 }, asAdmin);
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
    const [m] = await read({ __typename: 'ProductVariant', id: medium });
    expect(m!.stock.available).toBe(8);
  });

  it('reserves per variant and names the short product and variant when one size runs out', async () => {
    const client = createInternalClient({ baseUrl: inventory.service.graphqlUrl, internalToken: testInternalToken, fetch });
    const held = await client.call<{ status: string }>('reserve-stock', {
      reference: 'sizes-1',
      lines: [
        { productId: product, variantId: medium, quantity: 5 },
        { productId: product, quantity: 1 },
      ],
    });
    expect(held.status).toBe('HELD');
    const [m, small, sum] = await read(
      { __typename: 'ProductVariant', id: medium },
      { __typename: 'ProductVariant', id: product },
      { __typename: 'Product', id: product },
    );
    expect([m!.stock.available, small!.stock.available, sum!.stock.available]).toEqual([3, 2, 25]);
    await expect(client.call('reserve-stock', { reference: 'sizes-2', lines: [{ productId: product, variantId: medium, quantity: 4 }] })).rejects.toMatchObject(
      { extensions: { code: ErrorCode.OutOfStock, productIds: [product], variantIds: [medium] } },
    );
    const ledger = await inventory.rows<{ product_id: number; delta_available: number }>(
      "SELECT product_id, delta_available FROM stock_ledger WHERE reference = 'sizes-1' ORDER BY product_id",
    );
    expect(ledger.map((row) => [String(row.product_id), row.delta_available])).toEqual([
      [product, -1],
      [medium, -5],
    ]);
  });
});
