import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlPool } from '@rtc/service-kit';
import {
  asService,
  asUser,
  createTestDatabase,
  errorCodes,
  postGraphQL,
  queryRows,
  sqlQueryCount,
  startService,
  testInternalToken,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { parseProductListing } from './catalog/product-listing-args';
import { productPageQuery } from './catalog/product-listing';
import { createCatalogDb } from './db/client';
import { catalogMigrations } from './migrations';
import { createCatalogSubgraph } from './subgraph';
import { SEED_START, SEEDED_PRODUCTS, seedCatalog } from './testing/seed-products';

let database: TestDatabase;
let catalog: RunningService<Awaited<ReturnType<typeof createCatalogSubgraph>>>;
let categoryIds: number[];

// Staff see withdrawn products too, which these listing tests ask for; what others see is tested apart.
const headers = asUser('ANALYST');

const searchable = [
  { sku: 'AUD-QZ-7', name: 'Quasar Headphones', description: 'Over-ear, noise cancelling.', priceAmount: 15_900, currency: 'USD', active: true },
  { sku: 'AUD-QZ-1', name: 'Quasar Retired', description: 'The first model.', priceAmount: 9_900, currency: 'USD', active: false },
  { sku: 'TVB-1', name: 'TV Bracket', description: 'Wall mount.', priceAmount: 4_500, currency: 'USD', active: true },
].map((row) => ({ ...row, createdAt: new Date(SEED_START) }));

interface ListedProduct {
  id: string;
  name: string;
  price: { amount: number };
  createdAt: string;
}

interface Page {
  products: { edges: { cursor: string; node: ListedProduct }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const productsQuery = `query Products($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { cursor node { id name createdAt price { amount } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function list(variables: Record<string, unknown>) {
  return postGraphQL<Page>(catalog.graphqlUrl, productsQuery, variables, { headers });
}

/** Follows endCursor until the last page; returns the ids in the order served and the page sizes. */
async function walk(sort: string, first: number, filter: Record<string, unknown> = {}) {
  const ids: string[] = [];
  const sizes: number[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1_000; pages += 1) {
    const result = await list({ first, after, sort, filter });
    expect(result.errors).toBeUndefined();
    const page = result.data!.products;
    ids.push(...page.edges.map((edge) => edge.node.id));
    sizes.push(page.edges.length);
    if (!page.pageInfo.hasNextPage) return { ids, sizes };
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination never ended');
}

async function idsInSql(where: string, orderBy: string, params: unknown[] = []): Promise<string[]> {
  const rows = await queryRows<{ id: number }>(database.url, `SELECT id FROM products WHERE ${where} ORDER BY ${orderBy}`, params);
  return rows.map((row) => String(row.id));
}

const orderSql = {
  NEWEST: 'created_at DESC, id DESC',
  PRICE_ASC: 'price_amount ASC, id ASC',
  PRICE_DESC: 'price_amount DESC, id DESC',
  NAME_ASC: 'name ASC, id ASC',
} as const;

beforeAll(async () => {
  database = await createTestDatabase('catalog', catalogMigrations);
  categoryIds = await seedCatalog(database.url, searchable);
  catalog = await startService('catalog', database.url, (deps) => createCatalogSubgraph({ production: false, internalToken: testInternalToken }, deps));
});

afterAll(async () => {
  await catalog?.stop();
  await database?.drop();
});

describe('product listing', () => {
  it.each(Object.keys(orderSql) as (keyof typeof orderSql)[])(
    'pages through every active product sorted %s without gaps or duplicates, ties broken by id',
    async (sort) => {
      const { ids, sizes } = await walk(sort, 97);
      const expected = await idsInSql('active = 1', orderSql[sort]);
      expect(expected.length).toBeGreaterThan(SEEDED_PRODUCTS * 0.8);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expected);
      expect(sizes.slice(0, -1).every((size) => size === 97)).toBe(true);
    },
  );

  it('keeps numeric sort keys monotonic across page boundaries', async () => {
    const pages: ListedProduct[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i += 1) {
      const result = await list({ first: 50, after, sort: 'PRICE_DESC' });
      pages.push(...result.data!.products.edges.map((edge) => edge.node));
      after = result.data!.products.pageInfo.endCursor;
    }
    const prices = pages.map((product) => product.price.amount);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    const newest = (await list({ first: 100, sort: 'NEWEST' })).data!.products.edges.map((edge) => Date.parse(edge.node.createdAt));
    expect(newest).toEqual([...newest].sort((a, b) => b - a));
  });

  it('serves 20 newest products when no arguments are given, and an empty page for first: 0', async () => {
    const result = await list({});
    expect(result.data?.products.edges).toHaveLength(20);
    expect(result.data?.products.pageInfo.hasNextPage).toBe(true);
    const empty = await list({ first: 0 });
    expect(empty.data?.products.edges).toEqual([]);
    expect(empty.data?.products.pageInfo).toEqual({ hasNextPage: true, endCursor: null });
  });

  it('filters by category and price range, including inactive products on request', async () => {
    const categoryId = categoryIds[3]!;
    const filter = { categoryId: String(categoryId), minPrice: 599, maxPrice: 1_899, activeOnly: false };
    const { ids } = await walk('PRICE_ASC', 10, filter);
    const expected = await idsInSql('category_id = ? AND price_amount BETWEEN ? AND ?', orderSql.PRICE_ASC, [categoryId, 599, 1_899]);
    expect(expected.length).toBeGreaterThan(10);
    expect(ids).toEqual(expected);
    const activeOnly = await walk('PRICE_ASC', 100, { ...filter, activeOnly: true });
    expect(activeOnly.ids).toEqual(
      await idsInSql('category_id = ? AND price_amount BETWEEN ? AND ? AND active = 1', orderSql.PRICE_ASC, [categoryId, 599, 1_899]),
    );
    expect(activeOnly.ids.length).toBeLessThan(ids.length);
  });

  it('matches nothing for an unknown or malformed category id', async () => {
    for (const categoryId of ['999999', 'kitchen']) {
      const result = await list({ filter: { categoryId } });
      expect(result.errors).toBeUndefined();
      expect(result.data?.products).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    }
  });

  it("lists a category's active products through Category.products", async () => {
    const result = await postGraphQL<{
      categories: { id: string; slug: string; products: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }[];
    }>(
      catalog.graphqlUrl,
      '{ categories { id slug products(first: 50) { edges { node { id active category { id } } } pageInfo { hasNextPage } } } }',
      {},
      { headers },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.categories).toHaveLength(20);
    const sixth = result.data!.categories.find((category) => category.id === String(categoryIds[5]))!;
    const expected = await idsInSql('category_id = ? AND active = 1', orderSql.NEWEST, [categoryIds[5]]);
    expect(expected.length).toBeGreaterThan(50);
    expect(sixth.products.pageInfo.hasNextPage).toBe(true);
    expect(sixth.products.edges).toEqual(expected.slice(0, 50).map((id) => ({ node: { id, active: true, category: { id: String(categoryIds[5]) } } })));
  });
});

describe('counts, page edges and facets of a listing', () => {
  const countsQuery = `query Counts($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
    products(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount
      edges { cursor }
      pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
      facets { categories { category { id } count } priceBands { minPrice maxPrice count } }
    }
  }`;
  interface Counts {
    products: {
      totalCount: number;
      edges: { cursor: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
      facets: { categories: { category: { id: string }; count: number }[]; priceBands: { minPrice: number; maxPrice: number | null; count: number }[] };
    };
  }
  const counts = async (variables: Record<string, unknown>) => {
    const result = await postGraphQL<Counts>(catalog.graphqlUrl, countsQuery, variables, { headers });
    expect(result.errors).toBeUndefined();
    return result.data!.products;
  };
  const bandSql = 'INTERVAL(price_amount, 1000, 2500, 5000, 10000, 25000)';

  it('counts every product of the listing over all pages, the same on every page', async () => {
    const filter = { minPrice: 500, maxPrice: 4_999 };
    const [row] = await queryRows<{ n: number }>(database.url, 'SELECT COUNT(*) AS n FROM products WHERE active = 1 AND price_amount BETWEEN 500 AND 4999');
    const first = await counts({ first: 7, filter });
    expect(first.totalCount).toBe(Number(row!.n));
    expect(first.totalCount).toBeGreaterThan(7);
    const second = await counts({ first: 7, after: first.pageInfo.endCursor, filter });
    expect(second.totalCount).toBe(first.totalCount);
    expect((await counts({ filter: { categoryId: '999999' } })).totalCount).toBe(0);
  });

  it('gives the first cursor of each page, and says a page read after a cursor has products before it', async () => {
    const first = await counts({ first: 5, sort: 'PRICE_ASC' });
    expect(first.pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: first.edges[0]!.cursor, endCursor: first.edges[4]!.cursor });
    const second = await counts({ first: 5, after: first.pageInfo.endCursor, sort: 'PRICE_ASC' });
    expect(second.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: second.edges[0]!.cursor });
    expect((await counts({ first: 0 })).pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: null });
  });

  it('counts per category keeping the price filter, and per price band keeping the category filter, like plain SQL', async () => {
    const categoryId = categoryIds[2]!;
    const facets = (await counts({ first: 1, filter: { categoryId: String(categoryId), minPrice: 1_000, maxPrice: 9_999 } })).facets;
    const perCategory = await queryRows<{ category_id: number; n: number }>(
      database.url,
      'SELECT category_id, COUNT(*) AS n FROM products WHERE active = 1 AND price_amount BETWEEN 1000 AND 9999 GROUP BY category_id ORDER BY category_id',
    );
    expect(facets.categories.map((facet) => [Number(facet.category.id), facet.count])).toEqual(perCategory.map((row) => [row.category_id, Number(row.n)]));
    expect(perCategory.length).toBeGreaterThan(1);
    const perBand = await queryRows<{ band: number; n: number }>(
      database.url,
      `SELECT ${bandSql} AS band, COUNT(*) AS n FROM products WHERE active = 1 AND category_id = ? GROUP BY band`,
      [categoryId],
    );
    const expected = new Map(perBand.map((row) => [Number(row.band), Number(row.n)]));
    expect(facets.priceBands).toEqual(
      [0, 1_000, 2_500, 5_000, 10_000, 25_000].map((minPrice, index, bounds) => ({
        minPrice,
        maxPrice: bounds[index + 1] ?? null,
        count: expected.get(index) ?? 0,
      })),
    );
    expect(facets.priceBands.reduce((sum, band) => sum + band.count, 0)).toBeGreaterThan(0);
  });

  it('counts the products a search finds', async () => {
    const found = await counts({ filter: { search: 'quasar', activeOnly: false } });
    expect(found.totalCount).toBe(2);
    expect(found.facets.priceBands.filter((band) => band.count > 0).map((band) => band.minPrice)).toEqual([5_000, 10_000]);
  });
});

describe('product search', () => {
  const names = async (search: string, activeOnly = true) => {
    const result = await list({ first: 100, sort: 'NAME_ASC', filter: { search, activeOnly } });
    expect(result.errors).toBeUndefined();
    return result.data!.products.edges.map((edge) => edge.node.name);
  };

  it('finds words of the name by prefix, leaving out inactive products unless asked', async () => {
    expect(await names('quasar')).toEqual(['Quasar Headphones']);
    expect(await names('QUAS headph')).toEqual(['Quasar Headphones']);
    expect(await names('quasar', false)).toEqual(['Quasar Headphones', 'Quasar Retired']);
  });

  it('finds words of the description and the SKU', async () => {
    expect(await names('cancelling noise')).toEqual(['Quasar Headphones']);
    expect(await names('aud-qz')).toEqual(['Quasar Headphones']);
  });

  it('ignores common words but still needs every other word', async () => {
    expect(await names('the quasar')).toEqual(['Quasar Headphones']);
    expect(await names('quasar kettle')).toEqual([]);
  });

  it('falls back to a name or SKU prefix for short text', async () => {
    expect(await names('tv')).toEqual(['TV Bracket']);
    expect(await names('%')).toEqual([]);
  });

  it('pages through a search that matches most of the catalog', async () => {
    const { ids } = await walk('PRICE_ASC', 100, { search: 'handy kettle' });
    const expected = await idsInSql("active = 1 AND description LIKE 'Handy kettle%'", orderSql.PRICE_ASC);
    expect(expected.length).toBeGreaterThan(50);
    expect(ids).toEqual(expected);
  });

  it('answers searches from the FULLTEXT index, not a table scan', async () => {
    const pool = createMysqlPool({ url: database.url, connectionLimit: 1 });
    try {
      const query = productPageQuery(createCatalogDb(pool), parseProductListing({ filter: { search: 'quasar headphones' } })).toSQL();
      const [plan] = await pool.query(`EXPLAIN ${query.sql}`, query.params);
      expect(plan).toEqual([expect.objectContaining({ table: 'products', type: 'fulltext', key: 'products_search_idx' })]);
    } finally {
      await pool.end();
    }
  });
});

describe('listing arguments', () => {
  it.each([
    [{ first: -1 }, 'first'],
    [{ first: 101 }, 'first'],
    [{ after: 'not-a-cursor' }, 'after'],
    [{ filter: { minPrice: 2_000, maxPrice: 1_000 } }, 'filter.minPrice'],
    [{ filter: { minPrice: -1 } }, 'filter.minPrice'],
    [{ filter: { maxPrice: -1 } }, 'filter.maxPrice'],
  ])('refuses %j naming %s', async (variables, argument) => {
    const result = await list(variables);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message.startsWith(`${argument}: `)).toBe(true);
  });

  it('refuses a cursor taken from another sort', async () => {
    const first = await list({ first: 5, sort: 'PRICE_ASC' });
    const result = await list({ first: 5, sort: 'NAME_ASC', after: first.data!.products.pageInfo.endCursor });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toMatch(/^after: /);
  });
});

describe('withdrawn products for callers who are not staff', () => {
  const callers = { anonymous: asService, customer: asUser('CUSTOMER') };

  for (const [name, callerHeaders] of Object.entries(callers)) {
    it(`refuses ${name} callers a listing with activeOnly: false`, async () => {
      const result = await postGraphQL(catalog.graphqlUrl, productsQuery, { filter: { activeOnly: false } }, { headers: callerHeaders });
      expect(errorCodes(result)).toEqual([name === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
    });

    it(`answers ${name} callers null for a withdrawn product by id and SKU, as if unknown`, async () => {
      const [inactive] = await queryRows<{ id: number }>(database.url, "SELECT id FROM products WHERE sku = 'AUD-QZ-1'");
      const result = await postGraphQL(
        catalog.graphqlUrl,
        `query($id: ID!) { product(id: $id) { sku } productBySku(sku: "aud-qz-1") { id } }`,
        { id: String(inactive!.id) },
        { headers: callerHeaders },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ product: null, productBySku: null });
    });
  }
});

describe('product lookups', () => {
  it('finds a product by id and by SKU in any case, inactive ones included', async () => {
    const [inactive] = await queryRows<{ id: number }>(database.url, "SELECT id FROM products WHERE sku = 'AUD-QZ-1'");
    const result = await postGraphQL<{ product: { sku: string; active: boolean }; productBySku: { id: string } }>(
      catalog.graphqlUrl,
      `query($id: ID!) { product(id: $id) { sku active } productBySku(sku: "aud-qz-1") { id } }`,
      { id: String(inactive!.id) },
      { headers },
    );
    expect(result.data).toEqual({ product: { sku: 'AUD-QZ-1', active: false }, productBySku: { id: String(inactive!.id) } });
  });

  it('answers null, not an error, for unknown or malformed ids and SKUs', async () => {
    const result = await postGraphQL(
      catalog.graphqlUrl,
      `{ a: product(id: "99999999") { id } b: product(id: "abc") { id } c: productBySku(sku: "NOPE-404") { id } d: productBySku(sku: "no such sku!") { id } }`,
      {},
      { headers },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: null, b: null, c: null, d: null });
  });

  it('resolves product and category references with one SQL query per type, inactive products included', async () => {
    const rows = await queryRows<{ id: number; sku: string; price_amount: number; active: number }>(
      database.url,
      "SELECT id, sku, price_amount, active FROM products WHERE sku IN ('SKU-00000', 'SKU-00001', 'SKU-00002', 'SKU-00003', 'AUD-QZ-7') ORDER BY sku",
    );
    const representations = [
      ...rows.map((row) => ({ __typename: 'Product', id: String(row.id) })),
      { __typename: 'Product', id: '99999999' },
      { __typename: 'Product', id: 'not-an-id' },
      ...categoryIds.slice(0, 3).map((id) => ({ __typename: 'Category', id: String(id) })),
      { __typename: 'Category', id: '424242' },
    ];
    const before = await sqlQueryCount(catalog.metrics);
    const result = await postGraphQL<{ _entities: (Record<string, unknown> | null)[] }>(
      catalog.graphqlUrl,
      `query Entities($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Product { id price { amount currency } active name sku }
        ... on Category { id slug }
      } }`,
      { representations },
      { headers },
    );
    expect(await sqlQueryCount(catalog.metrics)).toBe(before + 2);
    expect(result.errors).toBeUndefined();
    const entities = result.data!._entities;
    expect(entities.slice(0, rows.length)).toEqual(
      rows.map((row) => ({
        id: String(row.id),
        price: { amount: row.price_amount, currency: 'USD' },
        active: row.active === 1,
        name: expect.any(String),
        sku: row.sku,
      })),
    );
    expect(entities.some((entity) => entity?.['active'] === false)).toBe(true);
    expect(entities.slice(rows.length, rows.length + 2)).toEqual([null, null]);
    expect(entities.slice(rows.length + 2)).toEqual([
      ...categoryIds.slice(0, 3).map((id) => ({ id: String(id), slug: expect.stringMatching(/^category-/) })),
      null,
    ]);
  });

  it('loads the categories of a whole page in one query', async () => {
    const before = await sqlQueryCount(catalog.metrics);
    const result = await postGraphQL<Page>(catalog.graphqlUrl, '{ products(first: 40) { edges { node { id category { name } } } } }', {}, { headers });
    expect(result.errors).toBeUndefined();
    expect(await sqlQueryCount(catalog.metrics)).toBe(before + 2);
  });
});
