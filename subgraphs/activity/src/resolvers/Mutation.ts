import { runMutation } from '@rtc/service-kit';
import type { ActivityError, MutationResolvers } from '../__generated__/resolvers-types';
import { occurredAtOutOfRange } from '../ingest/validate-events';

const typed: ReadonlySet<string> = new Set([occurredAtOutOfRange]);

export const Mutation: MutationResolvers = {
  trackEvents: async (_parent, { input }, context) => {
    const { value, errors } = await runMutation(() => context.tracker.track(input.events, context.caller), { typed, context, mutation: 'trackEvents' });
    // The only typed code is ActivityErrorCode's OCCURRED_AT_OUT_OF_RANGE.
    return { ...(value ?? { accepted: null, duplicates: null }), errors: errors as unknown as ActivityError[] };
  },
};
