import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  signUp: (_parent, { input }, { accounts }) => accounts.signUp(input),
  logIn: (_parent, { email, password }, { accounts }) => accounts.logIn(email, password),
};
