import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  trackEvents: (_parent, { input }, { caller, tracker }) => tracker.track(input.events, caller),
};
