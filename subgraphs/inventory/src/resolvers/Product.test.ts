import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlQueryCount } from '@rtc/testkit';
import { asService, asUser, startTestInventory, type TestInventory } from '../testing';

const entities = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Product { id inStock stock { onHand reserved available lowStockThreshold status } } }
}`;

type ProductData = { id: string; inStock: boolean; stock: { available: number; status: string; lowStockThreshold: number } } | null;

let inventory: TestInventory;

beforeAll(async () => {
  inventory = await startTestInventory();
  await inventory.restock('400', 40);
  await inventory.restock('401', 2);
});

afterAll(async () => {
  await inventory?.stop();
});

describe('Product', () => {
  it('resolves the stock of many products with one SQL query, zero stock for a product never stocked and null for a malformed id', async () => {
    const before = await sqlQueryCount(inventory.service.metrics);
    const result = await inventory.call<{ _entities: ProductData[] }>(
      entities,
      { representations: ['400', '401', '499', 'abc'].map((id) => ({ __typename: 'Product', id })) },
      asUser('ANALYST'),
    );
    expect(await sqlQueryCount(inventory.service.metrics)).toBe(before + 1);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((product) => product && [product.id, product.inStock, product.stock.available, product.stock.status])).toEqual([
      ['400', true, 40, 'IN_STOCK'],
      ['401', true, 2, 'LOW_STOCK'],
      ['499', false, 0, 'OUT_OF_STOCK'],
      null,
    ]);
    expect(result.data?._entities[2]?.stock).toEqual({ onHand: 0, reserved: 0, available: 0, lowStockThreshold: 10, status: 'OUT_OF_STOCK' });
  });

  it('shows customers what can be sold and answers the warehouse figures with null and FORBIDDEN', async () => {
    const result = await inventory.call<{ _entities: ProductData[] }>(
      entities,
      { representations: [{ __typename: 'Product', id: '400' }] },
      asUser('CUSTOMER'),
    );
    expect(result.data?._entities[0]).toEqual({
      id: '400',
      inStock: true,
      stock: { onHand: null, reserved: null, available: 40, lowStockThreshold: null, status: 'IN_STOCK' },
    });
    expect(result.errors?.map((error) => error.extensions?.['code'])).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
  });
});

describe('Subscription', () => {
  it('refuses inventoryAlerts here: the gateway serves it', async () => {
    const result = await inventory.call('subscription { inventoryAlerts { kind available } }', {}, asService);
    expect(result.errors?.[0]?.message).toMatch(/served by the gateway/);
    expect(result.data ?? null).toBeNull();
  });
});
