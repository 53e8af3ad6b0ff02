import { GraphQLError } from 'graphql';
import { parseNumericId } from '@rtc/service-kit';
import type { ProductResolvers } from '../__generated__/resolvers-types';
import { productOptions } from '../catalog/variant-options';

export const Product: ProductResolvers = {
  // Inactive products resolve too: orders keep referring to what they sold.
  __resolveReference: (reference, { productById }) => {
    const id = parseNumericId(reference.id);
    return id === null ? null : productById.load(id);
  },
  id: (product) => String(product.id),
  price: (product) => ({ amount: product.priceAmount, currency: product.currency }),
  compareAtPrice: (product) => (product.compareAtAmount === null ? null : { amount: product.compareAtAmount, currency: product.currency }),
  onSale: (product) => product.compareAtAmount !== null,
  images: (product, _args, { imagesByProductId }) => imagesByProductId.load(product.id),
  featuredImage: async (product, _args, { imagesByProductId }) => (await imagesByProductId.load(product.id))[0] ?? null,
  category: async (product, _args, { categoryById }) => {
    const category = await categoryById.load(product.categoryId);
    // The foreign key makes a missing category impossible short of a broken database.
    if (!category) {
      throw new GraphQLError(`category ${product.categoryId} of product ${product.id} is missing`, {
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    return category;
  },
  options: async (product, _args, { variantsByProduct }) => productOptions(await variantsByProduct.load(product.id)),
  variants: (product, _args, { variantsByProduct }) => variantsByProduct.load(product.id),
};
