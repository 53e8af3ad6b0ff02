import { DateTimeScalar, SafeIntScalar } from '@rtc/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { AbandonedProduct } from './AbandonedProduct';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Subscription } from './Subscription';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  SafeInt: SafeIntScalar,
  Query,
  Mutation,
  Subscription,
  AbandonedProduct,
};
