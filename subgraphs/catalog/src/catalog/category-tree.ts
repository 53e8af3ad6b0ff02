import { sql, type SQL } from 'drizzle-orm';
import { categories } from '../db/schema';

/**
 * The ids of a category and of every category under it, as a subquery. Parents are set on creation to categories
 * that already exist, so the walk always ends.
 */
export function descendantCategoryIds(categoryId: number): SQL {
  return sql`(WITH RECURSIVE subtree (id) AS (
    SELECT ${categories.id} FROM ${categories} WHERE ${categories.id} = ${categoryId}
    UNION ALL SELECT child.id FROM ${categories} AS child JOIN subtree ON child.parent_id = subtree.id
  ) SELECT id FROM subtree)`;
}

/** The ids of a category and its ancestors with their distance from it (0 for itself), as a query. */
export function ancestorCategoryIds(categoryId: number): SQL {
  return sql`WITH RECURSIVE ancestry (id, parent_id, depth) AS (
    SELECT ${categories.id}, ${categories.parentId}, 0 FROM ${categories} WHERE ${categories.id} = ${categoryId}
    UNION ALL SELECT parent.id, parent.parent_id, ancestry.depth + 1 FROM ${categories} AS parent JOIN ancestry ON parent.id = ancestry.parent_id
  ) SELECT id, depth FROM ancestry`;
}
