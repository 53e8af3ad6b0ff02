import { GraphQLError } from 'graphql';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';

// Declared here so they compose into the supergraph; the gateway serves them from order events.
const servedByGateway = (): never => {
  throw new GraphQLError('Subscriptions are served by the gateway over graphql-ws', { extensions: { code: 'BAD_REQUEST' } });
};

export const Subscription: SubscriptionResolvers = {
  salesTicks: { subscribe: servedByGateway },
  salesStats: { subscribe: servedByGateway },
  orderStatus: { subscribe: servedByGateway },
};
