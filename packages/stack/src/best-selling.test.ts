import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, queryRows, type GraphQLResult } from '@rtc/testkit';
import { seedIfEmpty } from './seed/seed';
import { startTestStack, type TestStack } from './testing';

// BEST_SELLING through the gateway: catalog ranks its listing by the units orders counted, over a seeded month.
let stack: TestStack;

interface Page {
  products: { totalCount: number; edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const listing = `query($first: Int, $after: String, $filter: ProductFilter) {
  products(first: $first, after: $after, sort: BEST_SELLING, filter: $filter) {
    totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor }
  }
}`;

/** Follows endCursor to the last page; returns the ids in the order served and the window end the cursors carry. */
async function walk(first: number, filter: Record<string, unknown> = {}) {
  const ids: string[] = [];
  let after: string | null = null;
  let windowEnd: number | null = null;
  let totalCount = 0;
  for (let pages = 0; pages < 500; pages += 1) {
    const result: GraphQLResult<Page> = await postGraphQL<Page>(stack.graphqlUrl, listing, { first, after, filter });
    expect(result.errors).toBeUndefined();
    const page = result.data!.products;
    totalCount = page.totalCount;
    ids.push(...page.edges.map((edge) => edge.node.id));
    for (const edge of page.edges) {
      const [, key] = JSON.parse(Buffer.from(edge.cursor, 'base64url').toString('utf8')) as [string, string, number];
      const end = Number(key.split(':')[0]);
      // Every page ranks the sales of the window the first page chose.
      windowEnd ??= end;
      expect(end).toBe(windowEnd);
    }
    if (!page.pageInfo.hasNextPage) return { ids, windowEnd: windowEnd!, totalCount };
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination never ended');
}

/** The same ranking in plain SQL: units ordered per product in the 30 days before windowEnd, then id, newest first. */
async function rankingInSql(windowEnd: number, where = 'active'): Promise<string[]> {
  const from = new Date(windowEnd - 30 * 86_400_000);
  const sold = await queryRows<{ product_id: number; units: number }>(
    stack.databaseUrl('orders'),
    'SELECT product_id, SUM(gross_units) AS units FROM product_sales_by_minute WHERE minute >= ? AND minute < ? GROUP BY product_id',
    [from, new Date(windowEnd)],
  );
  const unitsOf = new Map(sold.map((row) => [Number(row.product_id), Number(row.units)]));
  const products = await queryRows<{ id: number }>(stack.databaseUrl('catalog'), `SELECT id FROM products WHERE ${where}`);
  return products
    .map((row) => ({ id: Number(row.id), units: unitsOf.get(Number(row.id)) ?? 0 }))
    .sort((a, b) => b.units - a.units || b.id - a.id)
    .map((row) => String(row.id));
}

beforeAll(async () => {
  stack = await startTestStack();
  await seedIfEmpty(stack.serverUrl, stack.databases, { timeZone: 'UTC', currency: 'USD', products: 150, customers: 80, orders: 1_200 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('sorting by best-selling', () => {
  it('pages through every active product, 7 at a time, best-selling first, never repeating or skipping one', async () => {
    const { ids, windowEnd, totalCount } = await walk(7);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(await rankingInSql(windowEnd));
    expect(ids).toHaveLength(totalCount);
    // The seeded month sold most products, but not all alike: the ranking is not the id order.
    expect(ids).not.toEqual([...ids].sort((a, b) => Number(b) - Number(a)));
  });

  it('ranks within a filter too: a top-level category lists its departments best-selling first', async () => {
    const [group] = await queryRows<{ id: number }>(stack.databaseUrl('catalog'), 'SELECT id FROM categories WHERE parent_id IS NULL ORDER BY id LIMIT 1');
    const { ids, windowEnd } = await walk(5, { categoryId: String(group!.id) });
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(await rankingInSql(windowEnd, `active AND category_id IN (SELECT id FROM categories WHERE parent_id = ${Number(group!.id)})`));
  });

  it('ignores the sales of the minute under way, so a listing read meanwhile ranks as before', async () => {
    const before = await walk(50);
    const slowest = before.ids.at(-1)!;
    // A thousand units of the slowest seller in this minute land after the window's end: listings read now do not count them.
    await queryRows(
      stack.databaseUrl('orders'),
      `INSERT INTO product_sales_by_minute (currency, minute, product_id, orders, units, revenue, gross_orders, gross_units, gross_revenue)
       VALUES ('USD', ?, ?, 1, 1000, 1, 1, 1000, 1)`,
      [new Date(Math.floor(Date.now() / 60_000) * 60_000), Number(slowest)],
    );
    const after = await walk(50);
    expect(after.ids.at(-1)).toBe(slowest);
    expect(after.ids).toEqual(await rankingInSql(after.windowEnd));
  });
});
