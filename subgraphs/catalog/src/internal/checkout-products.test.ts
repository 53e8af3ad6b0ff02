import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalClient, createPooledFetch, ErrorCode, type InternalClient } from '@rtc/service-kit';
import { createTestDatabase, queryRows, startService, testInternalToken, type RunningService, type TestDatabase } from '@rtc/testkit';
import { catalogMigrations } from '../migrations';
import { createCatalogSubgraph } from '../subgraph';
import { seedCatalog } from '../testing/seed-products';
import type { CheckoutProduct } from './checkout-products';

let database: TestDatabase;
let catalog: RunningService<Awaited<ReturnType<typeof createCatalogSubgraph>>>;
let client: InternalClient;
const fetch = createPooledFetch({ timeoutMs: 5_000 });

beforeAll(async () => {
  database = await createTestDatabase('catalog', catalogMigrations);
  await seedCatalog(database.url);
  catalog = await startService('catalog', database.url, (deps) => createCatalogSubgraph({ production: false, internalToken: testInternalToken }, deps));
  client = createInternalClient({ baseUrl: catalog.graphqlUrl, internalToken: testInternalToken, fetch });
});

afterAll(async () => {
  await fetch.close();
  await catalog?.stop();
  await database?.drop();
});

const productsOf = (ids: unknown) => client.call<{ products: (CheckoutProduct | null)[] }>('checkout-products', { ids });

describe('checkout-products', () => {
  it('answers one entry per id in the order asked: prices, inactive products marked, unknown ids null', async () => {
    const [inactive, active] = await queryRows<{ id: number; sku: string; name: string; price_amount: number; active: number }>(
      database.url,
      'select `id`, `sku`, `name`, `price_amount`, `active` from `products` where `id` in (1, 2) order by `id`',
    );
    // Every seventh seeded product is withdrawn, the first among them.
    expect([inactive?.active, active?.active]).toEqual([0, 1]);
    const { products } = await productsOf(['1', '999999', 'not-a-number', '2']);
    expect(products).toEqual([
      {
        id: '1',
        productId: '1',
        sku: inactive!.sku,
        name: inactive!.name,
        title: 'Default',
        active: false,
        price: { amount: inactive!.price_amount, currency: 'USD' },
      },
      null,
      null,
      {
        id: '2',
        productId: '2',
        sku: active!.sku,
        name: active!.name,
        title: 'Default',
        active: true,
        price: { amount: active!.price_amount, currency: 'USD' },
      },
    ]);
  });

  it('answers a variant added beside the default with its own SKU and price, and a removed one as inactive', async () => {
    await queryRows(
      database.url,
      'insert into `product_variants` (`id`, `product_id`, `sku`, `selected_options`, `price_amount`, `position`, `created_at`, `removed_at`) values ' +
        '(1000000000000, 2, \'TEE-M\', \'[{"name":"Size","value":"M"}]\', 1234, 1, now(3), null), ' +
        '(1000000000001, 2, \'TEE-L\', \'[{"name":"Size","value":"L"}]\', 1300, 2, now(3), now(3))',
    );
    const { products } = await productsOf(['1000000000000', '1000000000001']);
    expect(
      products.map(
        (variant) => variant && { productId: variant.productId, sku: variant.sku, title: variant.title, active: variant.active, amount: variant.price.amount },
      ),
    ).toEqual([
      { productId: '2', sku: 'TEE-M', title: 'M', active: true, amount: 1234 },
      { productId: '2', sku: 'TEE-L', title: 'L', active: false, amount: 1300 },
    ]);
  });

  it('answers an empty or oversized list with BAD_USER_INPUT', async () => {
    await expect(productsOf([])).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput, argumentName: 'ids' } });
    await expect(productsOf(Array.from({ length: 101 }, (_, i) => String(i + 1)))).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput } });
    await expect(productsOf('1')).rejects.toMatchObject({ extensions: { code: ErrorCode.BadUserInput } });
  });

  it('refuses a caller without the internal token', async () => {
    const stranger = createInternalClient({ baseUrl: catalog.graphqlUrl, internalToken: 'wrong-token', fetch });
    await expect(stranger.call('checkout-products', { ids: ['1'] })).rejects.toMatchObject({ extensions: { code: ErrorCode.Unauthenticated } });
  });
});
