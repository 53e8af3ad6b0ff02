import type { ProductImageResolvers } from '../__generated__/resolvers-types';

export const ProductImage: ProductImageResolvers = {
  url: (image) => image.url,
  altText: (image) => image.altText,
  position: (image) => image.position,
};
