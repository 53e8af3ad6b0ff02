import { sql } from 'drizzle-orm';
import {
  boolean,
  bigint,
  char,
  check,
  customType,
  datetime,
  index,
  int,
  mysqlTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  varchar,
  type AnyMySqlColumn,
} from 'drizzle-orm/mysql-core';
import { defineOutboxTable } from '@rtc/service-kit';

export const categories = mysqlTable(
  'categories',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    name: varchar('name', { length: 100 }).notNull(),
    slug: varchar('slug', { length: 100 }).notNull(),
    description: varchar('description', { length: 1000 }).notNull().default(''),
    // Set once, on creation, to a category that already exists: the tree can never hold a cycle.
    parentId: bigint('parent_id', { mode: 'number', unsigned: true }).references((): AnyMySqlColumn => categories.id),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (table) => [
    uniqueIndex('categories_slug_unique').on(table.slug),
    index('categories_name_idx').on(table.name, table.id),
    index('categories_parent_idx').on(table.parentId, table.name, table.id),
  ],
);

// The FULLTEXT index over name, sku and description (products_search_idx) lives in a custom migration:
// drizzle-kit cannot express FULLTEXT indexes.
export const products = mysqlTable(
  'products',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    sku: varchar('sku', { length: 64 }).notNull(),
    /** URL handle: lower-case a-z, 0-9 and single dashes, unique. */
    handle: varchar('handle', { length: 200 }).notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description')
      .notNull()
      .$defaultFn(() => ''),
    priceAmount: int('price_amount', { unsigned: true }).notNull(),
    /** The former price a sale is measured against, in the same currency; null when not on sale. */
    compareAtAmount: int('compare_at_amount', { unsigned: true }),
    currency: char('currency', { length: 3 }).notNull(),
    active: boolean('active').notNull().default(true),
    categoryId: bigint('category_id', { mode: 'number', unsigned: true })
      .notNull()
      .references(() => categories.id),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  // One index per sort order, each ending in id: keyset pages walk an index instead of sorting.
  (table) => [
    uniqueIndex('products_sku_unique').on(table.sku),
    uniqueIndex('products_handle_unique').on(table.handle),
    index('products_newest_idx').on(table.createdAt, table.id),
    index('products_price_idx').on(table.priceAmount, table.id),
    index('products_name_idx').on(table.name, table.id),
    index('products_category_idx').on(table.categoryId, table.createdAt, table.id),
    // Named bare: MariaDB refuses table-qualified columns in a CHECK.
    check('products_compare_at_above_price', sql`compare_at_amount IS NULL OR compare_at_amount > price_amount`),
  ],
);

/** A product's pictures, in the order a shop shows them; position 0 is the featured image. Stored as URLs, not files. */
export const productImages = mysqlTable(
  'product_images',
  {
    productId: bigint('product_id', { mode: 'number', unsigned: true })
      .notNull()
      .references(() => products.id),
    position: smallint('position', { unsigned: true }).notNull(),
    url: varchar('url', { length: 2048 }).notNull(),
    altText: varchar('alt_text', { length: 500 }).notNull().default(''),
  },
  (table) => [primaryKey({ columns: [table.productId, table.position] })],
);

/** One option a variant takes, e.g. `{ name: 'Size', value: 'M' }`. */
export interface SelectedOptionValue {
  readonly name: string;
  readonly value: string;
}

// MariaDB's JSON is text on the wire: parsed here, so rows carry the options and not their text.
const selectedOptionsColumn = customType<{ data: SelectedOptionValue[]; driverData: string }>({
  dataType: () => 'json',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => (typeof value === 'string' ? (JSON.parse(value) as SelectedOptionValue[]) : value),
});

/**
 * What a customer actually buys: every product has at least one variant. The default variant's id equals its
 * product's id and it carries the product's SKU and price (kept in step with `products`), so stock and order rows
 * written before variants existed name it. Variants added later are numbered from `firstAddedVariantId` (set in a
 * custom migration), a range product ids never reach, so the two never collide. Removed variants stay (removed_at
 * set) so old orders keep resolving them; their SKU stays taken.
 */
export const productVariants = mysqlTable(
  'product_variants',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    productId: bigint('product_id', { mode: 'number', unsigned: true })
      .notNull()
      .references(() => products.id),
    sku: varchar('sku', { length: 64 }).notNull(),
    selectedOptions: selectedOptionsColumn('selected_options').notNull(),
    priceAmount: int('price_amount', { unsigned: true }).notNull(),
    compareAtAmount: int('compare_at_amount', { unsigned: true }),
    position: int('position').notNull(),
    removedAt: datetime('removed_at', { mode: 'date', fsp: 3 }),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (table) => [uniqueIndex('product_variants_sku_unique').on(table.sku), index('product_variants_product_idx').on(table.productId, table.position, table.id)],
);

/** The first id of a variant added beside a product's default one (see `productVariants`). */
export const firstAddedVariantId = 1_000_000_000_000;

export const outbox = defineOutboxTable();

export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type ProductImageRow = typeof productImages.$inferSelect;
export type NewCategoryRow = typeof categories.$inferInsert;
export type NewProductRow = typeof products.$inferInsert;
export type ProductVariantRow = typeof productVariants.$inferSelect;
export type NewProductVariantRow = typeof productVariants.$inferInsert;
