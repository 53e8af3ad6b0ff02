// The storefront reads of bench:reads and bench:gateways.
export const benchReadQueries = {
  listing: /* GraphQL */ `
    query BenchListing {
      products(first: 10) { edges { node { id name price { amount currency } stock { available } } } }
    }
  `,
  'my orders': /* GraphQL */ `
    query BenchMyOrders {
      me { orders(first: 5) { edges { node { number total { amount } lines { quantity product { name stock { available } } } } } } }
    }
  `,
} as const;

export type BenchReadQuery = keyof typeof benchReadQueries;
