import { bigint, datetime, mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { defineOutboxTable } from '@rtc/service-kit';

export const users = mysqlTable(
  'users',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    email: varchar('email', { length: 254 }).notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    role: mysqlEnum('role', ['CUSTOMER', 'ANALYST', 'ADMIN']).notNull().default('CUSTOMER'),
    passwordHash: varchar('password_hash', { length: 255 }).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (table) => [uniqueIndex('users_email_unique').on(table.email)],
);

export const outbox = defineOutboxTable();

export type UserRow = typeof users.$inferSelect;
