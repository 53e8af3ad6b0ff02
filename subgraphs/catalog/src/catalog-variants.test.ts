import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asService,
  asUser,
  createTestDatabase,
  errorCodes,
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
const admin = asUser('ADMIN');

interface Variant {
  id: string;
  sku: string;
  title: string;
  selectedOptions: { name: string; value: string }[];
  price: { amount: number; currency: string };
  compareAtPrice: { amount: number } | null;
  position: number;
  active: boolean;
}
interface CatalogError {
  code: string;
  message: string;
  field: string[] | null;
}

const variantFields = 'id sku title selectedOptions { name value } price { amount currency } compareAtPrice { amount } position active';
const productFields = `id sku price { amount } options { name values } variants { ${variantFields} }`;
const addVariant = `mutation($input: AddProductVariantInput!) { addProductVariant(input: $input) { variant { ${variantFields} } errors { code message field } } }`;
const updateVariant = `mutation($input: UpdateProductVariantInput!) { updateProductVariant(input: $input) { variant { ${variantFields} } errors { code message field } } }`;
const removeVariant = `mutation($input: RemoveProductVariantInput!) { removeProductVariant(input: $input) { product { ${productFields} } errors { code message field } } }`;
const readProduct = `query($id: ID!) { product(id: $id) { ${productFields} } }`;

type Product = { id: string; sku: string; price: { amount: number }; options: { name: string; values: string[] }[]; variants: Variant[] };
type Payload<K extends string, T> = Record<K, T | null> & { errors: CatalogError[] };

async function run<T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = admin): Promise<GraphQLResult<T>> {
  return postGraphQL<T>(catalog.graphqlUrl, query, variables, { headers });
}
const add = async (input: Record<string, unknown>) =>
  (await run<{ addProductVariant: Payload<'variant', Variant> }>(addVariant, { input })).data!.addProductVariant;
const update = async (input: Record<string, unknown>) =>
  (await run<{ updateProductVariant: Payload<'variant', Variant> }>(updateVariant, { input })).data!.updateProductVariant;
const product = async (id: string) => (await run<{ product: Product }>(readProduct, { id })).data!.product;

let tee: Product;

beforeAll(async () => {
  database = await createTestDatabase('catalog', catalogMigrations);
  catalog = await startService('catalog', database.url, (deps) => createCatalogSubgraph({ production: false, internalToken: testInternalToken }, deps));
  const category = await run<{ createCategory: { category: { id: string } } }>(
    'mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } errors { code } } }',
    {
      input: { name: 'Apparel' },
    },
  );
  const created = await run<{ createProduct: { product: Product } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${productFields} } errors { code } } }`,
    {
      input: { sku: 'tee-s', name: 'Organic Tee', price: 2_000, categoryId: category.data!.createCategory.category.id },
    },
  );
  tee = created.data!.createProduct.product;
});

afterAll(async () => {
  await catalog?.stop();
  await database?.drop();
});

describe('product variants', () => {
  it("gives a new product one default variant with the product's id, SKU and price and no options", () => {
    expect(tee.options).toEqual([]);
    expect(tee.variants).toEqual([
      {
        id: tee.id,
        sku: 'TEE-S',
        title: 'Default',
        selectedOptions: [],
        price: { amount: 2_000, currency: 'USD' },
        compareAtPrice: null,
        position: 0,
        active: true,
      },
    ]);
  });

  it('lets the only variant set the options, then adds sizes with their own SKU and price, listed by position', async () => {
    expect((await update({ id: tee.id, selectedOptions: [{ name: 'Size', value: 'S' }] })).errors).toEqual([]);
    const medium = await add({ productId: tee.id, sku: 'tee-m', selectedOptions: [{ name: 'Size', value: 'M' }], price: 2_200, compareAtPrice: 2_600 });
    expect(medium.errors).toEqual([]);
    expect(medium.variant).toMatchObject({ sku: 'TEE-M', title: 'M', price: { amount: 2_200 }, compareAtPrice: { amount: 2_600 }, position: 1, active: true });
    // Added variants are numbered apart from products, so no later product's default variant collides with them.
    expect(Number(medium.variant!.id)).toBeGreaterThanOrEqual(1_000_000_000_000);
    await add({ productId: tee.id, sku: 'tee-l', selectedOptions: [{ name: 'Size', value: 'L' }], price: 2_200 });
    const read = await product(tee.id);
    expect(read.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }]);
    expect(read.variants.map((variant) => variant.title)).toEqual(['S', 'M', 'L']);
    expect(read.price).toEqual({ amount: 2_000 });
  });

  it('refuses options other than the product’s, the values of a sibling and a SKU in use, writing nothing', async () => {
    const [before] = await queryRows<{ n: number }>(database.url, 'select count(*) as n from product_variants');
    const colour = await add({ productId: tee.id, sku: 'tee-red', selectedOptions: [{ name: 'Colour', value: 'Red' }], price: 2_000 });
    expect(colour).toMatchObject({ variant: null, errors: [{ code: 'OPTIONS_MISMATCH', field: ['input', 'selectedOptions'] }] });
    const twin = await add({ productId: tee.id, sku: 'tee-m2', selectedOptions: [{ name: 'size', value: 'm' }], price: 2_000 });
    expect(twin).toMatchObject({ variant: null, errors: [{ code: 'CONFLICT', field: ['input', 'selectedOptions'] }] });
    const taken = await add({ productId: tee.id, sku: 'TEE-S', selectedOptions: [{ name: 'Size', value: 'XL' }], price: 2_000 });
    expect(taken).toMatchObject({ variant: null, errors: [{ code: 'CONFLICT', field: ['input', 'sku'] }] });
    const [after] = await queryRows<{ n: number }>(database.url, 'select count(*) as n from product_variants');
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  it("keeps the product's price and its default variant's in step, whichever is changed", async () => {
    await run('mutation($id: ID!) { updateProduct(input: { id: $id, price: 2100 }) { product { id } errors { code } } }', { id: tee.id });
    expect((await product(tee.id)).variants[0]!.price.amount).toBe(2_100);
    await update({ id: tee.id, price: 1_900, sku: 'tee-small' });
    const read = await product(tee.id);
    expect(read.price.amount).toBe(1_900);
    expect(read.sku).toBe('TEE-SMALL');
  });

  it('removes a variant from the list but keeps it resolvable for old orders; never the default variant', async () => {
    const large = (await product(tee.id)).variants.find((variant) => variant.title === 'L')!;
    const refused = await run<{ removeProductVariant: Payload<'product', Product> }>(removeVariant, { input: { id: tee.id } });
    expect(refused.data!.removeProductVariant).toMatchObject({ product: null, errors: [{ code: 'DEFAULT_VARIANT' }] });
    const removed = await run<{ removeProductVariant: Payload<'product', Product> }>(removeVariant, { input: { id: large.id } });
    expect(removed.data!.removeProductVariant.product!.variants.map((variant) => variant.title)).toEqual(['S', 'M']);
    const entity = await run<{ _entities: { sku: string; active: boolean; product: { id: string } }[] }>(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { sku active product { id } } } }',
      { r: [{ __typename: 'ProductVariant', id: large.id }] },
      asService,
    );
    expect(entity.data!._entities).toEqual([{ sku: 'TEE-L', active: false, product: { id: tee.id } }]);
    const again = await run(removeVariant, { input: { id: large.id } });
    expect(errorCodes(again)).toEqual(['NOT_FOUND']);
  });

  it('refuses the variant mutations to anyone but admins, and malformed input as BAD_USER_INPUT', async () => {
    const customer = await run(addVariant, { input: { productId: tee.id, sku: 'x-1', selectedOptions: [], price: 1 } }, asUser('CUSTOMER', '7'));
    expect(errorCodes(customer)).toEqual(['FORBIDDEN']);
    const negative = await run(addVariant, { input: { productId: tee.id, sku: 'x-1', selectedOptions: [{ name: 'Size', value: 'XS' }], price: -1 } });
    expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);
    const unknown = await run(addVariant, { input: { productId: '424242', sku: 'x-1', selectedOptions: [], price: 1 } });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });

  it('gives every product that existed before variants its default variant in the migration', async () => {
    const text = await readFile(join(catalogMigrations, '0004_default_variants.sql'), 'utf8');
    const insert = text
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .find((statement) => statement.includes('INSERT INTO'))!;
    const categoryId = (await queryRows<{ id: number }>(database.url, 'select id from categories limit 1'))[0]!.id;
    await queryRows(
      database.url,
      "insert into products (id, sku, handle, name, description, price_amount, currency, active, category_id, created_at) values (500, 'OLD-1', 'old-500', 'Old', '', 750, 'EUR', 1, ?, now(3))",
      [categoryId],
    );
    await queryRows(database.url, insert.replace('FROM `products`', 'FROM `products` WHERE `id` = 500'));
    const old = await product('500');
    expect(old.variants).toEqual([
      expect.objectContaining({ id: '500', sku: 'OLD-1', title: 'Default', price: { amount: 750, currency: 'EUR' }, position: 0 }),
    ]);
  });
});
