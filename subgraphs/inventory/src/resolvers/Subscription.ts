import { GraphQLError } from 'graphql';
import type { SubscriptionResolvers } from '../__generated__/resolvers-types';

function servedByGateway(): never {
  throw new GraphQLError('inventoryAlerts is served by the gateway over graphql-ws, not by the inventory subgraph', {
    extensions: { code: 'BAD_REQUEST' },
  });
}

// Declared here so the field composes into the supergraph; the gateway raises the alerts from StockChanged events.
export const Subscription: SubscriptionResolvers = {
  inventoryAlerts: { subscribe: servedByGateway, resolve: servedByGateway },
};
