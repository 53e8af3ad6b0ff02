import { asc } from 'drizzle-orm';
import { appendToOutbox, businessFailure, ErrorCode, isDuplicateKey, runnerOnDrizzle } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { categories, outbox, type CategoryRow } from '../db/schema';
import { categoryChangedEvent } from './catalog-events';
import { parseCreateCategory, type CreateCategoryArgs } from './category-input';

export interface Categories {
  list(): Promise<CategoryRow[]>;
  create(input: CreateCategoryArgs): Promise<CategoryRow>;
}

export function createCategories(db: CatalogDb, onEventsWritten: () => void = () => undefined): Categories {
  return {
    list: () => db.select().from(categories).orderBy(asc(categories.name), asc(categories.id)),

    async create(input) {
      const values = { ...parseCreateCategory(input), createdAt: new Date() };
      let created: CategoryRow;
      try {
        created = await db.transaction(async (tx) => {
          const [result] = await tx.insert(categories).values(values);
          await appendToOutbox(runnerOnDrizzle(tx), outbox, [categoryChangedEvent(result.insertId)]);
          return { ...values, id: result.insertId };
        });
      } catch (error) {
        if (isDuplicateKey(error))
          throw businessFailure(ErrorCode.Conflict, `A category with slug ${values.slug} already exists`, { field: ['input', 'slug'] });
        throw error;
      }
      onEventsWritten();
      return created;
    },
  };
}
