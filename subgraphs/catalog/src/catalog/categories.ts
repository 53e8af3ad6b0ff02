import { asc, eq, inArray, isNull } from 'drizzle-orm';
import { appendToOutbox, badInput, businessFailure, ErrorCode, isDuplicateKey, isMissingReference, runnerOnDrizzle } from '@rtc/service-kit';
import type { CatalogDb } from '../db/client';
import { categories, outbox, type CategoryRow } from '../db/schema';
import { categoryChangedEvent } from './catalog-events';
import { parseCreateCategory, type CreateCategoryArgs } from './category-input';
import { ancestorCategoryIds } from './category-tree';

export interface Categories {
  /** Every category by name, or the top-level ones only. */
  list(options?: { rootsOnly?: boolean | null }): Promise<CategoryRow[]>;
  bySlug(slug: string): Promise<CategoryRow | null>;
  /** A category and its ancestors, root first. */
  breadcrumbs(categoryId: number): Promise<CategoryRow[]>;
  create(input: CreateCategoryArgs): Promise<CategoryRow>;
}

const byName = [asc(categories.name), asc(categories.id)];

export function createCategories(db: CatalogDb, onEventsWritten: () => void = () => undefined): Categories {
  return {
    list: (options = {}) =>
      options.rootsOnly
        ? db
            .select()
            .from(categories)
            .where(isNull(categories.parentId))
            .orderBy(...byName)
        : db
            .select()
            .from(categories)
            .orderBy(...byName),

    async bySlug(slug) {
      return (await db.select().from(categories).where(eq(categories.slug, slug.trim())).limit(1))[0] ?? null;
    },

    async breadcrumbs(categoryId) {
      const [ancestry] = (await db.execute(ancestorCategoryIds(categoryId))) as unknown as [{ id: number | string; depth: number | string }[]];
      const depthOf = new Map(ancestry.map((row) => [Number(row.id), Number(row.depth)]));
      if (depthOf.size === 0) return [];
      const rows = await db
        .select()
        .from(categories)
        .where(inArray(categories.id, [...depthOf.keys()]));
      // Root first: the farthest ancestor leads.
      return rows.sort((a, b) => depthOf.get(b.id)! - depthOf.get(a.id)!);
    },

    async create(input) {
      const values = { ...parseCreateCategory(input), createdAt: new Date() };
      let created: CategoryRow;
      try {
        created = await db.transaction(async (tx) => {
          const [result] = await tx.insert(categories).values(values);
          // The parent's children changed too: answers cached with them are evicted as well.
          const events = [categoryChangedEvent(result.insertId), ...(values.parentId === null ? [] : [categoryChangedEvent(values.parentId)])];
          await appendToOutbox(runnerOnDrizzle(tx), outbox, events);
          return { ...values, id: result.insertId };
        });
      } catch (error) {
        if (isDuplicateKey(error))
          throw businessFailure(ErrorCode.Conflict, `A category with slug ${values.slug} already exists`, { field: ['input', 'slug'] });
        if (isMissingReference(error)) throw badInput('input.parentId', 'no category has this id');
        throw error;
      }
      onEventsWritten();
      return created;
    },
  };
}

/** The children of each of `parentIds`, by name: what the children loader batches. */
export function childrenOfCategories(db: CatalogDb, parentIds: readonly number[]): Promise<CategoryRow[]> {
  return db
    .select()
    .from(categories)
    .where(inArray(categories.parentId, [...parentIds]))
    .orderBy(asc(categories.parentId), ...byName);
}
