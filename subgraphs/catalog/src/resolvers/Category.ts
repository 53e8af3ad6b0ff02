import { parseNumericId } from '@rtc/service-kit';
import type { CategoryResolvers } from '../__generated__/resolvers-types';

export const Category: CategoryResolvers = {
  __resolveReference: (reference, { categoryById }) => {
    const id = parseNumericId(reference.id);
    return id === null ? null : categoryById.load(id);
  },
  id: (category) => String(category.id),
  products: (category, { first, after }, { products }) => products.list({ first, after, filter: { categoryId: String(category.id) }, sort: 'NEWEST' }),
};
