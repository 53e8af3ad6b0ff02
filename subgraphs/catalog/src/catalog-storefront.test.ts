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
  unwrapPayloads,
} from '@rtc/testkit';
import { catalogMigrations } from './migrations';
import { createCatalogSubgraph } from './subgraph';

// What a shop front shows: handles, images, sale prices, the category tree and search ranked by relevance.

let database: TestDatabase;
let catalog: RunningService<Awaited<ReturnType<typeof createCatalogSubgraph>>>;

const admin = asUser('ADMIN');
const shopper = asService;

interface ShownProduct {
  id: string;
  sku: string;
  handle: string;
  name: string;
  price: { amount: number };
  compareAtPrice: { amount: number; currency: string } | null;
  onSale: boolean;
  images: { url: string; altText: string; position: number }[];
  featuredImage: { url: string } | null;
}

const productFields = 'id sku handle name price { amount } compareAtPrice { amount currency } onSale images { url altText position } featuredImage { url }';
const failures = 'errors { code message field }';
const createCategory = `mutation CreateCategory($input: CreateCategoryInput!) { createCategory(input: $input) { category { id slug } ${failures} } }`;
const createProduct = `mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { product { ${productFields} } ${failures} } }`;
const updateProduct = `mutation UpdateProduct($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${productFields} } ${failures} } }`;
const byHandle = `query ByHandle($handle: String!) { productByHandle(handle: $handle) { ${productFields} } }`;

async function run<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = admin): Promise<GraphQLResult<T>> {
  return unwrapPayloads(await postGraphQL<T>(catalog.graphqlUrl, query, variables, { headers }));
}

async function category(name: string, parentId?: string): Promise<string> {
  const result = await run<{ createCategory: { id: string } }>(createCategory, { input: { name, ...(parentId ? { parentId } : {}) } });
  expect(result.errors).toBeUndefined();
  return result.data!.createCategory.id;
}

async function product(input: Record<string, unknown>): Promise<ShownProduct> {
  const result = await run<{ createProduct: ShownProduct }>(createProduct, { input: { price: 1_000, ...input } });
  expect(result.errors).toBeUndefined();
  return result.data!.createProduct;
}

function expectBadInput(result: GraphQLResult<unknown>, argument: string) {
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0]?.message).toMatch(new RegExp(`^${argument.replaceAll('.', '\\.')}: `));
}

let home: string;
let kitchen: string;
let knives: string;
let garden: string;

beforeAll(async () => {
  database = await createTestDatabase('catalog', catalogMigrations);
  catalog = await startService('catalog', database.url, (deps) => createCatalogSubgraph({ production: false, internalToken: testInternalToken }, deps));
  home = await category('Home');
  kitchen = await category('Kitchen', home);
  knives = await category('Knives', kitchen);
  garden = await category('Garden');
});

afterAll(async () => {
  await catalog?.stop();
  await database?.drop();
});

describe('product handles', () => {
  it('derives a handle from the name, numbering it when taken, and finds the product by it in any case', async () => {
    const first = await product({ sku: 'HANDLE-1', name: 'Copper Kettle', categoryId: kitchen });
    const second = await product({ sku: 'HANDLE-2', name: 'Copper  Kettle!', categoryId: kitchen });
    const third = await product({ sku: 'HANDLE-3', name: 'Copper Kettle', categoryId: kitchen });
    expect([first.handle, second.handle, third.handle]).toEqual(['copper-kettle', 'copper-kettle-2', 'copper-kettle-3']);
    const found = await run<{ productByHandle: ShownProduct | null }>(byHandle, { handle: ' Copper-Kettle-2 ' }, shopper);
    expect(found.data?.productByHandle?.id).toBe(second.id);
    expect((await run<{ productByHandle: null }>(byHandle, { handle: 'no-such-kettle' }, shopper)).data?.productByHandle).toBeNull();
    expect((await run<{ productByHandle: null }>(byHandle, { handle: 'not a handle' }, shopper)).data?.productByHandle).toBeNull();
  });

  it('keeps a given handle, refuses a taken one with CONFLICT and a malformed one naming input.handle', async () => {
    const given = await product({ sku: 'HANDLE-4', name: 'Anything', handle: 'the-best-kettle', categoryId: kitchen });
    expect(given.handle).toBe('the-best-kettle');
    const taken = await run(createProduct, { input: { sku: 'HANDLE-5', name: 'Other', price: 1, handle: 'the-best-kettle', categoryId: kitchen } });
    expect(errorCodes(taken)).toEqual(['CONFLICT']);
    expectBadInput(
      await run(createProduct, { input: { sku: 'HANDLE-6', name: 'Other', price: 1, handle: 'two--dashes', categoryId: kitchen } }),
      'input.handle',
    );
    const moved = await run<{ updateProduct: ShownProduct }>(updateProduct, { input: { id: given.id, handle: 'kettle-deluxe' } });
    expect(moved.data?.updateProduct.handle).toBe('kettle-deluxe');
    expect((await run<{ productByHandle: null }>(byHandle, { handle: 'the-best-kettle' }, shopper)).data?.productByHandle).toBeNull();
  });

  it('hides a withdrawn product found by handle from shoppers, not from staff', async () => {
    await product({ sku: 'HANDLE-7', name: 'Retired Kettle', categoryId: kitchen, active: false });
    expect((await run<{ productByHandle: null }>(byHandle, { handle: 'retired-kettle' }, shopper)).data?.productByHandle).toBeNull();
    expect((await run<{ productByHandle: ShownProduct }>(byHandle, { handle: 'retired-kettle' })).data?.productByHandle.sku).toBe('HANDLE-7');
  });
});

describe('product images', () => {
  it('stores the images in the order given, the first featured, and replaces the list on update', async () => {
    const created = await product({
      sku: 'IMG-1',
      name: 'Pictured Pan',
      categoryId: kitchen,
      images: [{ url: 'https://images.example.com/pan/front.jpg', altText: 'A pan' }, { url: 'http://images.example.com/pan/side.jpg' }],
    });
    expect(created.images).toEqual([
      { url: 'https://images.example.com/pan/front.jpg', altText: 'A pan', position: 0 },
      { url: 'http://images.example.com/pan/side.jpg', altText: '', position: 1 },
    ]);
    expect(created.featuredImage).toEqual({ url: 'https://images.example.com/pan/front.jpg' });
    const replaced = await run<{ updateProduct: ShownProduct }>(updateProduct, {
      input: {
        id: created.id,
        images: [{ url: 'https://images.example.com/pan/top.jpg', altText: 'From above' }],
      },
    });
    expect(replaced.data?.updateProduct.images).toEqual([{ url: 'https://images.example.com/pan/top.jpg', altText: 'From above', position: 0 }]);
    const cleared = await run<{ updateProduct: ShownProduct }>(updateProduct, { input: { id: created.id, images: [] } });
    expect(cleared.data?.updateProduct).toMatchObject({ images: [], featuredImage: null });
  });

  it('refuses a URL that is not absolute http(s), naming the image, and writes nothing', async () => {
    const created = await product({ sku: 'IMG-2', name: 'Kept Pan', categoryId: kitchen, images: [{ url: 'https://images.example.com/kept.jpg' }] });
    for (const url of ['javascript:alert(1)', 'ftp://images.example.com/a.jpg', '/pan.jpg', 'https://user:secret@images.example.com/a.jpg']) {
      const refused = await run(updateProduct, { input: { id: created.id, images: [{ url: 'https://images.example.com/ok.jpg' }, { url }] } });
      expectBadInput(refused, 'input.images.1.url');
    }
    const [row] = await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM product_images WHERE product_id = ?', [Number(created.id)]);
    expect(Number(row?.n)).toBe(1);
  });
});

describe('compare-at prices', () => {
  it('marks a product on sale with a compare-at price above its price, and takes it off sale with null', async () => {
    const created = await product({ sku: 'SALE-1', name: 'Sale Knife', price: 2_000, compareAtPrice: 2_500, categoryId: knives });
    expect(created).toMatchObject({ compareAtPrice: { amount: 2_500, currency: 'USD' }, onSale: true });
    const off = await run<{ updateProduct: ShownProduct }>(updateProduct, { input: { id: created.id, compareAtPrice: null } });
    expect(off.data?.updateProduct).toMatchObject({ compareAtPrice: null, onSale: false });
  });

  it('refuses a compare-at price not above the price, on creation and on update, and a price raised to it', async () => {
    expectBadInput(
      await run(createProduct, { input: { sku: 'SALE-2', name: 'Bad Sale', price: 2_000, compareAtPrice: 2_000, categoryId: knives } }),
      'input.compareAtPrice',
    );
    const created = await product({ sku: 'SALE-3', name: 'Good Sale', price: 2_000, compareAtPrice: 3_000, categoryId: knives });
    expectBadInput(await run(updateProduct, { input: { id: created.id, compareAtPrice: 1_500 } }), 'input.compareAtPrice');
    expectBadInput(await run(updateProduct, { input: { id: created.id, price: 3_000 } }), 'input.price');
    const both = await run<{ updateProduct: ShownProduct }>(updateProduct, { input: { id: created.id, price: 3_000, compareAtPrice: 4_000 } });
    expect(both.data?.updateProduct).toMatchObject({ price: { amount: 3_000 }, compareAtPrice: { amount: 4_000 } });
  });

  it('lists only products on sale with filter.onSale', async () => {
    const result = await run<{ products: { edges: { node: ShownProduct }[] } }>(
      `query { products(first: 100, filter: { onSale: true }) { edges { node { sku onSale } } } }`,
      {},
      shopper,
    );
    const skus = result.data!.products.edges.map((edge) => edge.node.sku);
    expect(skus.length).toBeGreaterThan(0);
    expect(result.data!.products.edges.every((edge) => edge.node.onSale)).toBe(true);
    const [row] = await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM products WHERE active AND compare_at_amount IS NOT NULL');
    expect(skus).toHaveLength(Number(row?.n));
  });
});

describe('the category tree', () => {
  const tree = `query Tree($slug: String!) { categoryBySlug(slug: $slug) { id name parent { slug } children { slug } breadcrumbs { slug } } }`;

  it('shows a category with its parent, children and breadcrumbs from the root', async () => {
    const result = await run<{ categoryBySlug: unknown }>(tree, { slug: 'kitchen' }, shopper);
    expect(result.data?.categoryBySlug).toEqual({
      id: kitchen,
      name: 'Kitchen',
      parent: { slug: 'home' },
      children: [{ slug: 'knives' }],
      breadcrumbs: [{ slug: 'home' }, { slug: 'kitchen' }],
    });
    const root = await run<{ categoryBySlug: { parent: null; breadcrumbs: unknown[] } }>(tree, { slug: 'home' }, shopper);
    expect(root.data?.categoryBySlug).toMatchObject({ parent: null, breadcrumbs: [{ slug: 'home' }] });
    expect((await run<{ categoryBySlug: null }>(tree, { slug: 'nowhere' }, shopper)).data?.categoryBySlug).toBeNull();
  });

  it('lists the roots alone with rootsOnly, every category without it', async () => {
    const roots = await run<{ categories: { slug: string }[] }>('{ categories(rootsOnly: true) { slug } }', {}, shopper);
    expect(roots.data?.categories.map((row) => row.slug)).toEqual(['garden', 'home']);
    const all = await run<{ categories: { slug: string }[] }>('{ categories { slug } }', {}, shopper);
    expect(all.data?.categories.map((row) => row.slug)).toEqual(['garden', 'home', 'kitchen', 'knives']);
  });

  it('refuses a parent that does not exist, naming input.parentId', async () => {
    expectBadInput(await run(createCategory, { input: { name: 'Orphan', parentId: '999999' } }), 'input.parentId');
  });

  it('lists the products of a category and of every category under it', async () => {
    const inGarden = await product({ sku: 'TREE-1', name: 'Garden Hose', categoryId: garden });
    const list = `query Of($id: ID!) { products(first: 100, filter: { categoryId: $id }) { totalCount edges { node { id } } } }`;
    const expected = await queryRows<{ id: number }>(
      database.url,
      'SELECT id FROM products WHERE active AND category_id IN (?, ?, ?) ORDER BY created_at DESC, id DESC',
      [Number(home), Number(kitchen), Number(knives)],
    );
    const fromHome = await run<{ products: { totalCount: number; edges: { node: { id: string } }[] } }>(list, { id: home }, shopper);
    expect(fromHome.data?.products.edges.map((edge) => edge.node.id)).toEqual(expected.map((row) => String(row.id)));
    expect(fromHome.data?.products.totalCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    const fromGarden = await run<{ products: { edges: { node: { id: string } }[] } }>(list, { id: garden }, shopper);
    expect(fromGarden.data?.products.edges.map((edge) => edge.node.id)).toEqual([inGarden.id]);
    const viaCategory = await run<{ categoryBySlug: { products: { edges: unknown[] } } }>(
      `{ categoryBySlug(slug: "kitchen") { products(first: 100) { edges { node { id } } } } }`,
      {},
      shopper,
    );
    const [underKitchen] = await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM products WHERE active AND category_id IN (?, ?)', [
      Number(kitchen),
      Number(knives),
    ]);
    expect(viaCategory.data?.categoryBySlug.products.edges).toHaveLength(Number(underKitchen?.n));
  });
});

describe('sorting by relevance', () => {
  const search = `query Search($text: String!, $first: Int, $after: String, $sort: ProductSort) {
    products(first: $first, after: $after, sort: $sort, filter: { search: $text }) { edges { cursor node { sku } } pageInfo { hasNextPage endCursor } }
  }`;

  beforeAll(async () => {
    await product({ sku: 'REL-DESC', name: 'Plain Board', description: 'A board for the walnut lover.', categoryId: kitchen });
    await product({ sku: 'WALNUT-SKU', name: 'Oak Board', categoryId: kitchen });
    await product({ sku: 'REL-NAME', name: 'Walnut Board', categoryId: kitchen });
    await product({ sku: 'REL-BOTH', name: 'Walnut Tray', description: 'Walnut, oiled.', categoryId: kitchen });
  });

  it('ranks a name match over an SKU match over a description match, more matches first', async () => {
    const result = await run<{ products: { edges: { node: { sku: string } }[] } }>(search, { text: 'walnut', first: 10, sort: 'RELEVANCE' }, shopper);
    expect(result.data?.products.edges.map((edge) => edge.node.sku)).toEqual(['REL-BOTH', 'REL-NAME', 'WALNUT-SKU', 'REL-DESC']);
  });

  it('pages through a search by relevance without repeating or skipping a product', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page += 1) {
      const result: GraphQLResult<{ products: { edges: { node: { sku: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }> = await run(
        search,
        { text: 'board', first: 1, after, sort: 'RELEVANCE' },
        shopper,
      );
      expect(result.errors).toBeUndefined();
      seen.push(...result.data!.products.edges.map((edge) => edge.node.sku));
      if (!result.data!.products.pageInfo.hasNextPage) break;
      after = result.data!.products.pageInfo.endCursor;
    }
    // "Plain Board" matches in name and description; the two name-only matches tie and come newest id first.
    expect(seen).toEqual(['REL-DESC', 'REL-NAME', 'WALNUT-SKU']);
  });

  it('falls back to the newest first without a search', async () => {
    const newest = await run<{ products: { edges: { node: { sku: string } }[] } }>('{ products(first: 5) { edges { node { sku } } } }', {}, shopper);
    const relevance = await run<{ products: { edges: { node: { sku: string } }[] } }>(
      '{ products(first: 5, sort: RELEVANCE) { edges { node { sku } } } }',
      {},
      shopper,
    );
    expect(relevance.data?.products.edges).toEqual(newest.data?.products.edges);
  });

  it('fails BEST_SELLING with SERVICE_UNAVAILABLE when no orders service is configured', async () => {
    const result = await run('{ products(first: 5, sort: BEST_SELLING) { edges { node { sku } } } }', {}, shopper);
    expect(errorCodes(result)).toEqual(['SERVICE_UNAVAILABLE']);
  });
});
