// The GraphQL operations the simulator sends, as a storefront and a store admin would.

export const logIn = /* GraphQL */ `
  mutation SimulatorLogIn($email: String!, $password: String!) {
    logIn(email: $email, password: $password) { token expiresAt }
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
    placeOrder(input: $input) { id status }
  }
`;
export interface PlaceOrderData {
  readonly placeOrder: { id: string; status: string };
}

export const payOrder = /* GraphQL */ `
  mutation SimulatorPayOrder($orderId: ID!, $paymentToken: String!) {
    payOrder(orderId: $orderId, paymentToken: $paymentToken) { id status }
  }
`;

export const cancelOrder = /* GraphQL */ `
  mutation SimulatorCancelOrder($orderId: ID!) {
    cancelOrder(orderId: $orderId) { id status }
  }
`;

export const restock = /* GraphQL */ `
  mutation SimulatorRestock($productId: ID!, $quantity: Int!, $reason: String!) {
    restock(productId: $productId, quantity: $quantity, reason: $reason) { available }
  }
`;

/** A storefront's batch of behaviour events (1 to 100); a logged-in caller links the sessions to the customer. */
export const trackEvents = /* GraphQL */ `
  mutation SimulatorTrackEvents($input: TrackEventsInput!) {
    trackEvents(input: $input) { accepted duplicates }
  }
`;
export interface TrackEventsData {
  readonly trackEvents: { accepted: number; duplicates: number };
}
