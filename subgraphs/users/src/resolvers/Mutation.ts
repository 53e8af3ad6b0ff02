import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  signUp: (_parent, { input }, { accounts, clientAddress }) => accounts.signUp(input, clientAddress),
  logIn: (_parent, { email, password }, { accounts, clientAddress }) => accounts.logIn(email, password, clientAddress),
};
