// The operations the dashboard runs, with the shapes of their results.

export interface MoneyResult {
  readonly amount: number;
  readonly currency: string;
}

export interface AuthPayloadResult {
  readonly token: string;
  readonly expiresAt: string;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
  readonly user: { name: string; role: 'CUSTOMER' | 'ANALYST' | 'ADMIN' };
}

export const logInMutation = /* GraphQL */ `
  mutation DashboardLogIn($email: String!, $password: String!) {
    logIn(email: $email, password: $password) {
      token
      expiresAt
      refreshToken
      refreshExpiresAt
      user { name role }
    }
  }
`;
export interface LogInResult {
  readonly logIn: AuthPayloadResult;
}

export const refreshSessionMutation = /* GraphQL */ `
  mutation DashboardRefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      token
      expiresAt
      refreshToken
      refreshExpiresAt
      user { name role }
    }
  }
`;
export interface RefreshSessionResult {
  readonly refreshSession: AuthPayloadResult;
}

export const logOutMutation = /* GraphQL */ `
  mutation DashboardLogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`;

export const storeDayQuery = /* GraphQL */ `
  query DashboardStoreDay($from: DateTime!, $to: DateTime!) {
    salesSeries(from: $from, to: $to, bucket: DAY) { start }
  }
`;
export interface StoreDayResult {
  readonly salesSeries: { start: string }[];
}

const totalsFields = 'orders units revenue { amount currency }';

export const salesTodayQuery = /* GraphQL */ `
  query DashboardSalesToday($dayFrom: DateTime!, $now: DateTime!, $yesterdayFrom: DateTime!, $yesterdayTo: DateTime!, $withYesterday: Boolean!) {
    today: salesSummary(from: $dayFrom, to: $now) { current { ${totalsFields} } }
    yesterday: salesSummary(from: $yesterdayFrom, to: $yesterdayTo) @include(if: $withYesterday) { current { ${totalsFields} } }
  }
`;
interface TotalsResult {
  readonly orders: number;
  readonly units: number;
  readonly revenue: MoneyResult;
}
export interface SalesTodayResult {
  readonly today: { current: TotalsResult };
  readonly yesterday?: { current: TotalsResult };
}

export const salesMinutesQuery = /* GraphQL */ `
  query DashboardSalesMinutes($from: DateTime!, $to: DateTime!) {
    salesSeries(from: $from, to: $to, bucket: MINUTE) { start orders revenue { amount currency } }
  }
`;
export interface SalesMinutesResult {
  readonly salesSeries: { start: string; orders: number; revenue: MoneyResult }[];
}

export const topProductsQuery = /* GraphQL */ `
  query DashboardTopProducts($from: DateTime!, $to: DateTime!) {
    topProducts(from: $from, to: $to, limit: 25) { product { id name } units orders revenue { amount currency } }
  }
`;
export interface TopProductsResult {
  readonly topProducts: { product: { id: string; name: string }; units: number; orders: number; revenue: MoneyResult }[];
}

export const customerMixQuery = /* GraphQL */ `
  query DashboardCustomerMix($from: DateTime!, $to: DateTime!) {
    customerStats(from: $from, to: $to, limit: 5) {
      customers newCustomers returningCustomers returningCustomerRate repeatPurchaseRate
      topCustomers { user { id name } orders spend { amount currency } }
    }
  }
`;
export interface CustomerMix {
  readonly customers: number;
  readonly newCustomers: number;
  readonly returningCustomers: number;
  readonly returningCustomerRate: number;
  readonly repeatPurchaseRate: number;
  readonly topCustomers: { user: { id: string; name: string }; orders: number; spend: MoneyResult }[];
}
export interface CustomerMixResult {
  readonly customerStats: CustomerMix;
}

export const lowStockQuery = /* GraphQL */ `
  query DashboardLowStock {
    lowStock(first: 10) { edges { node { product { id name } stock { available lowStockThreshold status } } } }
  }
`;
/** `lowStock` is staff-only, and staff always see the staff-only `lowStockThreshold`. */
export interface LowStockResult {
  readonly lowStock: {
    edges: { node: { product: { id: string; name: string }; stock: { available: number; lowStockThreshold: number; status: 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK' } } }[];
  };
}

const feedOrderFields = `
  id number placedAt itemCount
  total { amount currency }
  user { name }
  lines { quantity lineTotal { amount } product { id name } }
`;
export interface FeedOrder {
  readonly id: string;
  readonly number: string;
  readonly placedAt: string;
  readonly itemCount: number;
  readonly total: MoneyResult;
  readonly user: { name: string };
  readonly lines: { quantity: number; lineTotal: { amount: number }; product: { id: string; name: string } }[];
}

export const latestOrdersQuery = /* GraphQL */ `
  query DashboardLatestOrders {
    orders(first: 15) { edges { node { ${feedOrderFields} } } }
  }
`;
export interface LatestOrdersResult {
  readonly orders: { edges: { node: FeedOrder }[] };
}

export const salesTicksSubscription = /* GraphQL */ `
  subscription DashboardSalesTicks {
    salesTicks { at order { ${feedOrderFields} } }
  }
`;
export interface SalesTickResult {
  readonly salesTicks: { at: string; order: FeedOrder };
}

/** The trailing window behind the "orders per minute now" figure. */
export const RATE_WINDOW_SECONDS = 300;

export const salesStatsSubscription = /* GraphQL */ `
  subscription DashboardSalesStats {
    salesStats(windowSeconds: ${RATE_WINDOW_SECONDS}) { windowSeconds orders ordersPerMinute revenue { amount currency } at }
  }
`;
export interface SalesStatsResult {
  readonly salesStats: { windowSeconds: number; orders: number; ordersPerMinute: number; revenue: MoneyResult; at: string };
}

export const inventoryAlertsSubscription = /* GraphQL */ `
  subscription DashboardInventoryAlerts {
    inventoryAlerts { kind available threshold at product { id name } }
  }
`;
export interface InventoryAlertResult {
  readonly inventoryAlerts: { kind: 'LOW_STOCK' | 'OUT_OF_STOCK' | 'BACK_IN_STOCK'; available: number; threshold: number; at: string; product: { id: string; name: string } };
}
