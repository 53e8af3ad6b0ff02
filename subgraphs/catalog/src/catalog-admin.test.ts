import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asService,
  asUser,
  createTestDatabase,
  failureCodes,
  postGraphQL,
  queryRows,
  startService,
  testInternalToken,
  type GraphQLResult,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { catalogMigrations } from './migrations';
import { createCatalogSubgraph } from './subgraph';

let database: TestDatabase;
let catalog: RunningService<Awaited<ReturnType<typeof createCatalogSubgraph>>>;

const anonymous = asService;
const as = asUser;
const admin = as('ADMIN');

interface ProductFields {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: { amount: number; currency: string };
  active: boolean;
  category: { id: string; slug: string };
}

const productFields = 'id sku name description price { amount currency } active category { id slug }';
const createCategory = `mutation CreateCategory($input: CreateCategoryInput!) { createCategory(input: $input) { category { id name slug description } errors { code field } } }`;
const createProduct = `mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { product { ${productFields} } errors { code field } } }`;
const updateProduct = `mutation UpdateProduct($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${productFields} } errors { code field } } }`;

async function run<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = admin): Promise<GraphQLResult<T>> {
  return postGraphQL<T>(catalog.graphqlUrl, query, variables, { headers });
}

async function count(table: 'products' | 'categories'): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.url, `SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n);
}

function expectBadInput(result: GraphQLResult<unknown>, argument: string) {
  expect(failureCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0]?.message.startsWith(`${argument}: `)).toBe(true);
}

let kitchen: { id: string; slug: string };
let lamp: ProductFields;

beforeAll(async () => {
  database = await createTestDatabase('catalog', catalogMigrations);
  catalog = await startService('catalog', database.url, (deps) => createCatalogSubgraph({ production: false, internalToken: testInternalToken }, deps));
  const category = await run<{ createCategory: { category: { id: string; slug: string } } }>(createCategory, {
    input: { name: 'Kitchen & Dining', description: 'Pots, pans and plates.' },
  });
  kitchen = category.data!.createCategory.category;
  const product = await run<{ createProduct: { product: ProductFields } }>(createProduct, {
    input: { sku: 'lamp-001', name: 'Amber Lamp', description: 'Warm light.', price: 4_999, categoryId: kitchen.id },
  });
  lamp = product.data!.createProduct.product;
});

afterAll(async () => {
  await catalog?.stop();
  await database?.drop();
});

describe('admin mutations', () => {
  it('creates a category with a slug derived from its name', () => {
    expect(kitchen).toMatchObject({ slug: 'kitchen-dining' });
  });

  it('creates a product with its SKU upper-cased and the default currency, active', () => {
    expect(lamp).toEqual({
      id: expect.stringMatching(/^\d+$/),
      sku: 'LAMP-001',
      name: 'Amber Lamp',
      description: 'Warm light.',
      price: { amount: 4_999, currency: 'USD' },
      active: true,
      category: { id: kitchen.id, slug: 'kitchen-dining' },
    });
  });

  it.each([
    ['anonymous callers', anonymous, 'UNAUTHENTICATED'],
    ['customers', as('CUSTOMER', '7'), 'FORBIDDEN'],
    ['analysts', as('ANALYST', '8'), 'FORBIDDEN'],
  ])('refuses every admin mutation to %s and writes nothing', async (_who, headers, code) => {
    const products = await count('products');
    const categories = await count('categories');
    const attempts = await Promise.all([
      run(createCategory, { input: { name: 'Sneaky' } }, headers),
      run(createProduct, { input: { sku: 'SNEAKY-1', name: 'Sneaky', price: 1, categoryId: kitchen.id } }, headers),
      run(updateProduct, { input: { id: lamp.id, price: 1 } }, headers),
    ]);
    for (const attempt of attempts) expect(failureCodes(attempt)).toEqual([code]);
    expect(await count('products')).toBe(products);
    expect(await count('categories')).toBe(categories);
    const [row] = await queryRows<{ price_amount: number }>(database.url, 'SELECT price_amount FROM products WHERE id = ?', [lamp.id]);
    expect(row?.price_amount).toBe(4_999);
  });

  it.each([
    [{ price: -1 }, 'input.price'],
    [{ sku: 'bad sku' }, 'input.sku'],
    [{ name: ' ' }, 'input.name'],
    [{ currency: 'EURO' }, 'input.currency'],
    [{ categoryId: '99999' }, 'input.categoryId'],
    [{ categoryId: 'kitchen' }, 'input.categoryId'],
  ])('refuses to create a product with %j naming %s, writing nothing', async (change, argument) => {
    const before = await count('products');
    const result = await run(createProduct, {
      input: { sku: 'NEW-1', name: 'New', price: 100, categoryId: kitchen.id, ...change },
    });
    expectBadInput(result, argument);
    expect(await count('products')).toBe(before);
  });

  it('refuses a second product with the same SKU in any case', async () => {
    const result = await run(createProduct, { input: { sku: 'Lamp-001', name: 'Copy', price: 100, categoryId: kitchen.id } });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ createProduct: { product: null, errors: [{ code: 'CONFLICT', field: ['input', 'sku'] }] } });
  });

  it('refuses a second category with the same slug, and a malformed slug', async () => {
    expect(failureCodes(await run(createCategory, { input: { name: 'Kitchen Dining' } }))).toEqual(['CONFLICT']);
    expectBadInput(await run(createCategory, { input: { name: 'Garden', slug: 'Garden Tools' } }), 'input.slug');
    expectBadInput(await run(createCategory, { input: { name: '' } }), 'input.name');
  });

  it('updates price, name and description, leaving the rest as it was', async () => {
    const result = await run<{ updateProduct: { product: ProductFields } }>(updateProduct, {
      input: { id: lamp.id, price: 5_499, name: 'Amber Desk Lamp', description: 'Warmer light.' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateProduct.product).toEqual({
      ...lamp,
      name: 'Amber Desk Lamp',
      description: 'Warmer light.',
      price: { amount: 5_499, currency: 'USD' },
    });
  });

  it('withdraws a product: gone from listings, resolvable by id for staff and as an entity for anyone', async () => {
    const created = await run<{ createProduct: { product: ProductFields } }>(createProduct, {
      input: { sku: 'KETTLE-9', name: 'Brisk Kettle', price: 2_500, categoryId: kitchen.id },
    });
    const kettle = created.data!.createProduct.product;
    const withdrawn = await run<{ updateProduct: { product: ProductFields } }>(updateProduct, { input: { id: kettle.id, active: false } });
    expect(withdrawn.data?.updateProduct.product.active).toBe(false);

    const listed = await run<{ products: { edges: { node: { id: string } }[] } }>('{ products(first: 100) { edges { node { id } } } }', {}, anonymous);
    const listedIds = listed.data?.products.edges.map((edge) => edge.node.id);
    expect(listedIds).toContain(lamp.id);
    expect(listedIds).not.toContain(kettle.id);

    const lookups = await run<{ product: { active: boolean }; _entities: { active: boolean; price: { amount: number } }[] }>(
      `query($id: ID!, $representations: [_Any!]!) {
        product(id: $id) { active }
        _entities(representations: $representations) { ... on Product { active price { amount } } }
      }`,
      { id: kettle.id, representations: [{ __typename: 'Product', id: kettle.id }] },
      anonymous,
    );
    expect(lookups.data).toEqual({ product: null, _entities: [{ active: false, price: { amount: 2_500 } }] });
    const byStaff = await run<{ product: { active: boolean } }>('query($id: ID!) { product(id: $id) { active } }', { id: kettle.id }, as('ANALYST'));
    expect(byStaff.data).toEqual({ product: { active: false } });
  });

  it('moves a product to another category', async () => {
    const garden = await run<{ createCategory: { category: { id: string } } }>(createCategory, { input: { name: 'Garden', slug: 'garden' } });
    const created = await run<{ createProduct: { product: ProductFields } }>(createProduct, {
      input: { sku: 'RAKE-1', name: 'Rake', price: 1_200, categoryId: kitchen.id },
    });
    const moved = await run<{ updateProduct: { product: ProductFields } }>(updateProduct, {
      input: { id: created.data!.createProduct.product.id, categoryId: garden.data!.createCategory.category.id },
    });
    expect(moved.data?.updateProduct.product.category).toEqual({ id: garden.data!.createCategory.category.id, slug: 'garden' });
  });

  it('refuses bad updates naming the argument and changes nothing', async () => {
    const stored = () =>
      queryRows<{ name: string; price_amount: number; category_id: number }>(
        database.url,
        'SELECT name, price_amount, category_id FROM products WHERE id = ?',
        [lamp.id],
      );
    const before = await stored();
    for (const [input, argument] of [
      [{ price: -5 }, 'input.price'],
      [{ categoryId: '99999', price: 1 }, 'input.categoryId'],
      [{ name: null }, 'input.name'],
      [{}, 'input'],
    ] as const) {
      expectBadInput(await run(updateProduct, { input: { id: lamp.id, ...input } }), argument);
    }
    expect(await stored()).toEqual(before);
  });

  it('writes a ProductChanged event naming the fields of each change, and none for a refused one', async () => {
    const events = async () =>
      (
        await queryRows<{ payload: string | { productId: string; fields: string[] } }>(
          database.url,
          "SELECT payload FROM outbox WHERE type = 'ProductChanged' AND aggregate_id = ? ORDER BY id",
          [lamp.id],
        )
      ).map(({ payload }) => (typeof payload === 'string' ? (JSON.parse(payload) as { productId: string; fields: string[] }) : payload));
    const before = await events();
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(failureCodes(await run(updateProduct, { input: { id: lamp.id, price: 4_321 } }))).toEqual([]);
    expectBadInput(await run(updateProduct, { input: { id: lamp.id, price: -1 } }), 'input.price');
    expect(failureCodes(await run(updateProduct, { input: { id: lamp.id, categoryId: '99999' } }))).toEqual(['BAD_USER_INPUT']);
    const after = await events();
    expect(after.slice(before.length)).toEqual([{ productId: lamp.id, fields: ['priceAmount'] }]);
  });

  it('answers NOT_FOUND when updating a product that does not exist', async () => {
    for (const id of ['99999999', 'abc']) {
      expect(failureCodes(await run(updateProduct, { input: { id, price: 1 } }))).toEqual(['NOT_FOUND']);
    }
  });

  it('refuses calls without the internal token', async () => {
    const result = await postGraphQL(catalog.graphqlUrl, '{ categories { id } }');
    expect(result.status).toBe(401);
    expect(failureCodes(result)).toEqual(['UNAUTHENTICATED']);
  });
});
