import { parseNumericId } from '@rtc/service-kit';
import type { CategoryResolvers } from '../__generated__/resolvers-types';

export const Category: CategoryResolvers = {
  __resolveReference: (reference, { categoryById }) => {
    const id = parseNumericId(reference.id);
    return id === null ? null : categoryById.load(id);
  },
  id: (category) => String(category.id),
  parent: (category, _args, { categoryById }) => (category.parentId === null ? null : categoryById.load(category.parentId)),
  children: (category, _args, { childrenByCategoryId }) => childrenByCategoryId.load(category.id),
  breadcrumbs: (category, _args, { categories }) => categories.breadcrumbs(category.id),
  products: (category, { first, after }, { products }) => products.list({ first, after, filter: { categoryId: String(category.id) }, sort: 'NEWEST' }),
};
