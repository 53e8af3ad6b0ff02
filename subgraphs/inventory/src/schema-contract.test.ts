import { composeServices } from '@apollo/composition';
import { describe, expect, it } from 'vitest';
import { inventoryTypeDefs } from './subgraph';

function apiSchemaOfInventory() {
  const result = composeServices([{ name: 'inventory', url: 'http://inventory:4004/graphql', typeDefs: inventoryTypeDefs }]);
  if (result.errors) throw new AggregateError(result.errors, result.errors.map((error) => error.message).join('\n'));
  return result.schema.toAPISchema().toGraphQLJSSchema();
}

describe('the public contract', () => {
  it('composes and keeps the reservation mutations and their types out of the API the gateway serves', () => {
    const api = apiSchemaOfInventory();
    expect(Object.keys(api.getMutationType()?.getFields() ?? {}).sort()).toEqual(['adjustStock', 'restock', 'setLowStockThreshold']);
    for (const hidden of ['Reservation', 'ReservationLine', 'ReservationStatus', 'ReleaseReason', 'ReserveStockInput', 'ReserveStockLineInput']) {
      expect(api.getType(hidden)).toBeUndefined();
    }
    expect(Object.keys(api.getSubscriptionType()?.getFields() ?? {})).toEqual(['inventoryAlerts']);
    expect(Object.keys(api.getQueryType()?.getFields() ?? {})).toEqual(expect.arrayContaining(['lowStock', 'stockLedger']));
  });
});
