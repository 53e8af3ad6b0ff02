// Test support: a small orders schema executed by graphql-js, standing in for the gateway's federated queries.
import { buildSchema, graphql, type ExecutionResult } from 'graphql';

/** A gateway's view of orders: `order(id)`, whose customer fails for order 2. */
export const ordersSchema = buildSchema(`
  type Query { order(id: ID!): Order }
  type Order { id: ID! total(currency: String): Int! user: User lines: [Line!]! }
  type User { name: String! }
  type Line { quantity: Int! }
  type SalesTick { at: String! order: Order! }
  type Subscription { salesTicks: SalesTick! }`);

// graphql-js' default resolvers call an object's methods with the field's arguments.
const orderOf = (id: string) => ({
  id,
  total: ({ currency }: { currency?: string | null }) => Number(id) * (currency === 'EUR' ? 2 : 1),
  user: () => {
    if (id === '2') throw new Error('users is unavailable');
    return { name: `customer of ${id}` };
  },
  lines: () => Array.from({ length: Number(id) % 3 }, (_, index) => ({ quantity: index + 1 })),
});
const rootValue = { order: ({ id }: { id: string }) => (id === '404' ? null : orderOf(id)) };

export const runOn = async (query: string, variables: Record<string, unknown>): Promise<ExecutionResult> =>
  JSON.parse(JSON.stringify(await graphql({ schema: ordersSchema, source: query, variableValues: variables, rootValue }))) as ExecutionResult;
