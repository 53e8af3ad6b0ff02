import { GraphQLError } from 'graphql';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';

// Declared here so it composes into the supergraph; the gateway serves it, refreshing it through Query.liveFunnel.
const servedByGateway = (): never => {
  throw new GraphQLError('Subscriptions are served by the gateway over graphql-ws', { extensions: { code: 'BAD_REQUEST' } });
};

export const Subscription: SubscriptionResolvers = {
  funnelStats: { subscribe: servedByGateway },
};
