import { requireAdmin } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { catalogPayload } from '../catalog/catalog-errors';

export const Mutation: MutationResolvers = {
  createProduct: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return catalogPayload(context, 'createProduct', 'product', () => context.products.create(input));
  },
  updateProduct: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return catalogPayload(context, 'updateProduct', 'product', () => context.products.update(input.id, input));
  },
  createCategory: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return catalogPayload(context, 'createCategory', 'category', () => context.categories.create(input));
  },
  addProductVariant: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return catalogPayload(context, 'addProductVariant', 'variant', () => context.variants.add(input));
  },
  updateProductVariant: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return catalogPayload(context, 'updateProductVariant', 'variant', () => context.variants.update(input));
  },
  removeProductVariant: (_parent, { input }, context) => {
    requireAdmin(context.caller);
    return catalogPayload(context, 'removeProductVariant', 'product', () => context.variants.remove(input.id));
  },
};
