import { boolean, bigint, char, datetime, index, int, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { defineOutboxTable } from '@rtc/service-kit';

export const categories = mysqlTable(
  'categories',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    name: varchar('name', { length: 100 }).notNull(),
    slug: varchar('slug', { length: 100 }).notNull(),
    description: varchar('description', { length: 1000 }).notNull().default(''),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 })
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (table) => [uniqueIndex('categories_slug_unique').on(table.slug), index('categories_name_idx').on(table.name, table.id)],
);

// The FULLTEXT index over name, sku and description (products_search_idx) lives in a custom migration:
// drizzle-kit cannot express FULLTEXT indexes.
export const products = mysqlTable(
  'products',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    sku: varchar('sku', { length: 64 }).notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    description: text('description')
      .notNull()
      .$defaultFn(() => ''),
    priceAmount: int('price_amount', { unsigned: true }).notNull(),
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
    index('products_newest_idx').on(table.createdAt, table.id),
    index('products_price_idx').on(table.priceAmount, table.id),
    index('products_name_idx').on(table.name, table.id),
    index('products_category_idx').on(table.categoryId, table.createdAt, table.id),
  ],
);

export const outbox = defineOutboxTable();

export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type NewCategoryRow = typeof categories.$inferInsert;
export type NewProductRow = typeof products.$inferInsert;
