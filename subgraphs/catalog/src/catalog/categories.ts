import { asc } from 'drizzle-orm';
import { conflict, isDuplicateKey } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { categories, type CategoryRow } from '../db/schema';
import { parseCreateCategory, type CreateCategoryArgs } from './category-input';

export interface Categories {
  list(): Promise<CategoryRow[]>;
  create(input: CreateCategoryArgs): Promise<CategoryRow>;
}

export function createCategories(db: CatalogDb): Categories {
  return {
    list: () => db.select().from(categories).orderBy(asc(categories.name), asc(categories.id)),

    async create(input) {
      const values = { ...parseCreateCategory(input), createdAt: new Date() };
      try {
        const [result] = await db.insert(categories).values(values);
        return { ...values, id: result.insertId };
      } catch (error) {
        if (isDuplicateKey(error)) throw conflict(`A category with slug ${values.slug} already exists`);
        throw error;
      }
    },
  };
}
