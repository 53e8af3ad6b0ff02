import { bigint, boolean, char, datetime, index, int, mysqlEnum, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
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
    /** Access tokens carry the version they were issued at; bumping it revokes them all. */
    tokenVersion: int('token_version', { unsigned: true }).notNull().default(0),
    disabledAt: datetime('disabled_at', { mode: 'date', fsp: 3 }),
  },
  (table) => [uniqueIndex('users_email_unique').on(table.email)],
);

/** One row per refresh token ever issued; a family is one log-in and the chain of rotations that followed it. */
export const refreshTokens = mysqlTable(
  'refresh_tokens',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    /** sha256 of the token, hex: the token itself is never stored. */
    tokenHash: char('token_hash', { length: 64 }).notNull(),
    familyId: char('family_id', { length: 36 }).notNull(),
    userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    expiresAt: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
    /** Set when the token was exchanged for the next one of its family. */
    rotatedAt: datetime('rotated_at', { mode: 'date', fsp: 3 }),
    revokedAt: datetime('revoked_at', { mode: 'date', fsp: 3 }),
  },
  (table) => [
    uniqueIndex('refresh_tokens_hash_unique').on(table.tokenHash),
    index('refresh_tokens_family_idx').on(table.familyId),
    index('refresh_tokens_user_idx').on(table.userId),
  ],
);

/** Password-reset tokens: only their sha256 is stored; each works once, until it expires or a newer one is issued. */
export const passwordResetTokens = mysqlTable(
  'password_reset_tokens',
  {
    /** sha256 of the token, hex. */
    tokenHash: char('token_hash', { length: 64 }).primaryKey(),
    userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull(),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    expiresAt: datetime('expires_at', { mode: 'date', fsp: 3 }).notNull(),
    /** Set when the token was used, or superseded by a newer one. */
    usedAt: datetime('used_at', { mode: 'date', fsp: 3 }),
  },
  (table) => [index('password_reset_tokens_user_idx').on(table.userId, table.usedAt)],
);

/** Shipping addresses saved on an account; orders copy the one they ship to, so editing one here changes no order. */
export const addresses = mysqlTable(
  'addresses',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull(),
    name: varchar('name', { length: 100 }).notNull(),
    line1: varchar('line1', { length: 200 }).notNull(),
    line2: varchar('line2', { length: 200 }),
    city: varchar('city', { length: 100 }).notNull(),
    region: varchar('region', { length: 100 }),
    postalCode: varchar('postal_code', { length: 20 }).notNull(),
    country: char('country', { length: 2 }).notNull(),
    phone: varchar('phone', { length: 32 }),
    /** At most one address of an account is its default; the account's first address becomes it. */
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
    updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
  },
  (table) => [index('addresses_user_idx').on(table.userId, table.id)],
);

export const outbox = defineOutboxTable();

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
export type PasswordResetTokenRow = typeof passwordResetTokens.$inferSelect;
