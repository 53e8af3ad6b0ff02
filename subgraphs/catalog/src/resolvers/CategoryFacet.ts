import { notFound } from '@rtc/service-kit';
import type { CategoryFacetResolvers } from '../__generated__/resolvers-types';

export const CategoryFacet: CategoryFacetResolvers = {
  category: async (facet, _args, { categoryById }) => {
    const category = await categoryById.load(facet.categoryId);
    // A product's category is a foreign key, so it exists unless deleted between the two reads.
    if (!category) throw notFound('Category');
    return category;
  },
};
