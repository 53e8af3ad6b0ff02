import { DateTimeScalar } from '@rtc/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Address } from './Address';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { User } from './User';

export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, User, Address };
