import { parseNumericId } from '@rtc/service-kit';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { checkListingAllowed, shownTo } from '../catalog/product-visibility';

export const Query: QueryResolvers = {
  products: (_parent, args, { caller, products }) => {
    checkListingAllowed(caller, args);
    return products.list(args);
  },
  product: async (_parent, { id }, { caller, productById }) => {
    const productId = parseNumericId(id);
    return productId === null ? null : shownTo(caller, await productById.load(productId));
  },
  productBySku: async (_parent, { sku }, { caller, products }) => shownTo(caller, await products.bySku(sku)),
  productByHandle: async (_parent, { handle }, { caller, products }) => shownTo(caller, await products.byHandle(handle)),
  categories: (_parent, { rootsOnly }, { categories }) => categories.list({ rootsOnly }),
  categoryBySlug: (_parent, { slug }, { categories }) => categories.bySlug(slug),
  productVariant: async (_parent, { id }, { caller, productById, variantById }) => {
    const variantId = parseNumericId(id);
    const variant = variantId === null ? null : await variantById.load(variantId);
    // Shown when its product is: a variant of an inactive product is for staff only.
    return variant && shownTo(caller, await productById.load(variant.productId)) ? variant : null;
  },
};
