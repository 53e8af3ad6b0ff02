import { createMysqlPool } from '@rtc/service-kit';
import { createCatalogDb } from '../db/client';
import { categories, products, productVariants, type NewProductRow } from '../db/schema';

const adjectives = ['Amber', 'Brisk', 'Copper', 'Dusky', 'Evergreen', 'Frosted', 'Golden'];
const nouns = ['Lamp', 'Kettle', 'Mug', 'Blanket', 'Chair', 'Vase', 'Clock', 'Basket', 'Pillow', 'Shelf', 'Rug'];

export const SEEDED_CATEGORIES = 20;
export const SEEDED_PRODUCTS = 2_100;
export const SEED_START = Date.UTC(2026, 0, 1);

/**
 * Product i of the seeded catalog. Few distinct names, prices and creation times, so every sort has long runs
 * of ties that page boundaries cut through; every seventh product is inactive.
 */
export function seededProduct(i: number, categoryIds: readonly number[]): NewProductRow {
  const noun = nouns[(i * 3) % nouns.length]!;
  return {
    sku: `SKU-${String(i).padStart(5, '0')}`,
    handle: `seeded-${i}`,
    name: `${adjectives[i % adjectives.length]} ${noun}`,
    description: `Handy ${noun.toLowerCase()} for everyday use.`,
    priceAmount: ((i * 37) % 25) * 100 + 99,
    currency: 'USD',
    active: i % 7 !== 0,
    categoryId: categoryIds[i % categoryIds.length]!,
    createdAt: new Date(SEED_START + (i % 40) * 60_000),
    // Every fifth product is on sale.
    compareAtAmount: i % 5 === 0 ? ((i * 37) % 25) * 100 + 599 : null,
  };
}

/** Bulk-inserts the seeded catalog straight into the tables, the way the stack's seeder does. */
export async function seedCatalog(
  databaseUrl: string,
  extra: readonly (Omit<NewProductRow, 'categoryId' | 'handle'> & { handle?: string })[] = [],
): Promise<number[]> {
  const pool = createMysqlPool({ url: databaseUrl, connectionLimit: 1 });
  try {
    const db = createCatalogDb(pool);
    const createdAt = new Date(SEED_START);
    await db.insert(categories).values(
      Array.from({ length: SEEDED_CATEGORIES }, (_, i) => ({
        name: `Category ${String(i + 1).padStart(2, '0')}`,
        slug: `category-${i + 1}`,
        createdAt,
      })),
    );
    const categoryIds = (await db.select({ id: categories.id }).from(categories)).map((row) => row.id);
    const rows = [
      ...Array.from({ length: SEEDED_PRODUCTS }, (_, i) => seededProduct(i, categoryIds)),
      ...extra.map((row, i) => ({ ...row, handle: row.handle ?? `extra-${i}`, categoryId: categoryIds[0]! })),
    ];
    for (let start = 0; start < rows.length; start += 500) {
      await db.insert(products).values(rows.slice(start, start + 500));
    }
    // Every product's default variant, as the catalog writes it: the product's id, SKU and price.
    const inserted = await db.select({ id: products.id, sku: products.sku, priceAmount: products.priceAmount, createdAt: products.createdAt }).from(products);
    for (let start = 0; start < inserted.length; start += 500) {
      await db
        .insert(productVariants)
        .values(inserted.slice(start, start + 500).map((row) => ({ ...row, productId: row.id, selectedOptions: [], position: 0 })));
    }
    return categoryIds;
  } finally {
    await pool.end();
  }
}
