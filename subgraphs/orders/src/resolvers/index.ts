import { DateTimeScalar, SafeIntScalar } from '@rtc/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { Order } from './Order';
import { OrderConnection } from './OrderConnection';
import { OrderLine } from './OrderLine';
import { Query } from './Query';
import { Subscription } from './Subscription';
import { User } from './User';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  SafeInt: SafeIntScalar,
  Query,
  Mutation,
  Subscription,
  Order,
  OrderConnection,
  OrderLine,
  User,
};
