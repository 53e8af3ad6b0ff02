import { GraphQLError } from 'graphql';
import { parseNumericId } from '@rtc/service-kit';
import type { ProductVariantResolvers } from '../__generated__/resolvers-types';
import { variantTitle } from '../catalog/variant-options';

export const ProductVariant: ProductVariantResolvers = {
  // Removed variants resolve too: orders keep referring to what they sold.
  __resolveReference: (reference, { variantById }) => {
    const id = parseNumericId(reference.id);
    return id === null ? null : variantById.load(id);
  },
  id: (variant) => String(variant.id),
  product: async (variant, _args, { productById }) => {
    const product = await productById.load(variant.productId);
    // The foreign key makes a missing product impossible short of a broken database.
    if (!product) {
      throw new GraphQLError(`product ${variant.productId} of variant ${variant.id} is missing`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
    return product;
  },
  title: (variant) => variantTitle(variant.selectedOptions),
  selectedOptions: (variant) => variant.selectedOptions,
  // A variant is priced in its product's currency.
  price: async (variant, _args, { productById }) => ({ amount: variant.priceAmount, currency: (await productById.load(variant.productId))?.currency ?? 'USD' }),
  compareAtPrice: async (variant, _args, { productById }) =>
    variant.compareAtAmount === null ? null : { amount: variant.compareAtAmount, currency: (await productById.load(variant.productId))?.currency ?? 'USD' },
  active: async (variant, _args, { productById }) => variant.removedAt === null && ((await productById.load(variant.productId))?.active ?? false),
};
