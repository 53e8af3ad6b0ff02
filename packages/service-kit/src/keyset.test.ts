import { bigint, int, mysqlTable, MySqlDialect } from 'drizzle-orm/mysql-core';
import { describe, expect, it } from 'vitest';
import { keysetAfter, keysetOrder } from './keyset';

const items = mysqlTable('items', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  price: int('price').notNull(),
});
const dialect = new MySqlDialect();

describe('keysetAfter', () => {
  it('continues ascending pages after the last (price, id) with ties broken by id', () => {
    const query = dialect.sqlToQuery(
      keysetAfter('asc', [
        [items.price, 500],
        [items.id, 7],
      ]),
    );
    expect(query.sql).toBe('(`items`.`price` > ? or (`items`.`price` = ? and `items`.`id` > ?))');
    expect(query.params).toEqual([500, 500, 7]);
  });

  it('uses less-than for descending pages', () => {
    const query = dialect.sqlToQuery(
      keysetAfter('desc', [
        [items.price, 500],
        [items.id, 7],
      ]),
    );
    expect(query.sql).toBe('(`items`.`price` < ? or (`items`.`price` = ? and `items`.`id` < ?))');
  });

  it('is a plain comparison for a single unique column', () => {
    expect(dialect.sqlToQuery(keysetAfter('asc', [[items.id, 3]])).sql).toBe('`items`.`id` > ?');
  });
});

describe('keysetOrder', () => {
  it('orders every column in the same direction', () => {
    const order = keysetOrder('desc', [items.price, items.id]).map((part) => dialect.sqlToQuery(part).sql);
    expect(order).toEqual(['`items`.`price` desc', '`items`.`id` desc']);
  });
});
