// The GraphQL operations the simulator sends, as a storefront and a store admin would. Every mutation selects its
// payload's errors: the gateway client counts a typed failure (OUT_OF_STOCK...) as it counts a GraphQL error.

export const logIn = /* GraphQL */ `
  mutation SimulatorLogIn($input: LogInInput!) {
    logIn(input: $input) { token expiresAt errors { code message } }
  }
`;
export interface LogInData {
  readonly logIn: { token: string; expiresAt: string };
}

export const productsPage = /* GraphQL */ `
  query SimulatorProducts($first: Int!, $after: String) {
    products(first: $first, after: $after) { edges { node { id price { amount currency } } } pageInfo { hasNextPage endCursor } }
  }
`;
export interface ProductsPageData {
  readonly products: {
    edges: { node: { id: string; price: { amount: number; currency: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export const bestSellers = /* GraphQL */ `
  query SimulatorBestSellers($from: DateTime!, $to: DateTime!) {
    topProducts(from: $from, to: $to, limit: 100) { product { id } }
  }
`;
export interface BestSellersData {
  readonly topProducts: { product: { id: string } }[];
}

export const placeOrder = /* GraphQL */ `
  mutation SimulatorPlaceOrder($input: PlaceOrderInput!) {
    placeOrder(input: $input) { order { id status } errors { code message productIds } }
  }
`;
export interface PlaceOrderData {
  readonly placeOrder: { order: { id: string; status: string } };
}

export const payOrder = /* GraphQL */ `
  mutation SimulatorPayOrder($input: PayOrderInput!) {
    payOrder(input: $input) { order { id status } errors { code message } }
  }
`;

export const cancelOrder = /* GraphQL */ `
  mutation SimulatorCancelOrder($input: CancelOrderInput!) {
    cancelOrder(input: $input) { order { id status } errors { code message } }
  }
`;

export const restock = /* GraphQL */ `
  mutation SimulatorRestock($input: RestockInput!) {
    restock(input: $input) { stock { available } errors { code message } }
  }
`;

/** A storefront's batch of behaviour events (1 to 100); a logged-in caller links the sessions to the customer. */
export const trackEvents = /* GraphQL */ `
  mutation SimulatorTrackEvents($input: TrackEventsInput!) {
    trackEvents(input: $input) { accepted duplicates errors { code message } }
  }
`;
export interface TrackEventsData {
  readonly trackEvents: { accepted: number; duplicates: number };
}
