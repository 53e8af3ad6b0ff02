import { DateTimeScalar, SafeIntScalar } from '@rtc/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Category } from './Category';
import { CategoryFacet } from './CategoryFacet';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { ProductConnection } from './ProductConnection';
import { ProductImage } from './ProductImage';
import { ProductVariant } from './ProductVariant';
import { Query } from './Query';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  SafeInt: SafeIntScalar,
  Query,
  Mutation,
  Product,
  ProductVariant,
  Category,
  ProductConnection,
  ProductImage,
  CategoryFacet,
};
