import { requireAdmin } from '@rtc/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import { toPayload } from '../catalog/catalog-errors';

export const Mutation: MutationResolvers = {
  createProduct: (_parent, { input }, { caller, products }) => {
    requireAdmin(caller);
    return products.create(input);
  },
  updateProduct: (_parent, { id, input }, { caller, products }) => {
    requireAdmin(caller);
    return products.update(id, input);
  },
  createCategory: (_parent, { input }, { caller, categories }) => {
    requireAdmin(caller);
    return categories.create(input);
  },
  addProductVariant: (_parent, { input }, { caller, variants }) => {
    requireAdmin(caller);
    return toPayload('variant', () => variants.add(input));
  },
  updateProductVariant: (_parent, { input }, { caller, variants }) => {
    requireAdmin(caller);
    return toPayload('variant', () => variants.update(input));
  },
  removeProductVariant: (_parent, { input }, { caller, variants }) => {
    requireAdmin(caller);
    return toPayload('product', () => variants.remove(input.id));
  },
};
