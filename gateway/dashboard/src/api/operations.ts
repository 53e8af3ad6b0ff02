// The operations the dashboard runs. Their result and variable types are generated from the supergraph
// (dashboard/codegen.ts): `graphql()` returns each document typed, so no result shape is written by hand.
import { graphql } from '../__generated__';
import type {
  AuthPayloadFieldsFragment,
  CustomerMixFieldsFragment,
  FeedOrderFieldsFragment,
  FunnelStepFieldsFragment,
  VisitorsFieldsFragment,
} from '../__generated__/graphql';

export type AuthPayload = AuthPayloadFieldsFragment;
export type CustomerMix = CustomerMixFieldsFragment;
export type FeedOrder = FeedOrderFieldsFragment;
export type VisitorsNow = VisitorsFieldsFragment;
export type FunnelStepFigures = FunnelStepFieldsFragment;

export const authPayloadFields = graphql(`
  fragment AuthPayloadFields on AuthPayload {
    token
    expiresAt
    refreshToken
    refreshExpiresAt
    user { name role }
    errors { code message }
  }
`);

export const logInMutation = graphql(`
  mutation DashboardLogIn($input: LogInInput!) {
    logIn(input: $input) { ...AuthPayloadFields }
  }
`);

export const refreshSessionMutation = graphql(`
  mutation DashboardRefreshSession($input: RefreshSessionInput!) {
    refreshSession(input: $input) { ...AuthPayloadFields }
  }
`);

export const logOutMutation = graphql(`
  mutation DashboardLogOut($input: LogOutInput!) {
    logOut(input: $input) { loggedOut }
  }
`);

export const storeDayQuery = graphql(`
  query DashboardStoreDay($from: DateTime!, $to: DateTime!) {
    salesSeries(from: $from, to: $to, bucket: DAY) { start }
  }
`);

export const salesTotalsFields = graphql(`
  fragment SalesTotalsFields on SalesTotals {
    gross { orders units revenue { amount currency } }
    net { orders units revenue { amount currency } }
  }
`);

export const salesTodayQuery = graphql(`
  query DashboardSalesToday($dayFrom: DateTime!, $now: DateTime!, $yesterdayFrom: DateTime!, $yesterdayTo: DateTime!, $withYesterday: Boolean!) {
    today: salesSummary(from: $dayFrom, to: $now) { current { ...SalesTotalsFields } }
    yesterday: salesSummary(from: $yesterdayFrom, to: $yesterdayTo) @include(if: $withYesterday) { current { ...SalesTotalsFields } }
  }
`);

export const salesMinutesQuery = graphql(`
  query DashboardSalesMinutes($from: DateTime!, $to: DateTime!) {
    salesSeries(from: $from, to: $to, bucket: MINUTE) { start gross { orders revenue { amount currency } } }
  }
`);

export const topProductsQuery = graphql(`
  query DashboardTopProducts($from: DateTime!, $to: DateTime!) {
    topProducts(from: $from, to: $to, limit: 25) { product { id name } units orders revenue { amount currency } }
  }
`);

export const customerMixFields = graphql(`
  fragment CustomerMixFields on CustomerStats {
    customers newCustomers returningCustomers returningCustomerRate repeatPurchaseRate
    topCustomers { user { id name } orders spend { amount currency } }
  }
`);

export const customerMixQuery = graphql(`
  query DashboardCustomerMix($from: DateTime!, $to: DateTime!) {
    customerStats(from: $from, to: $to, limit: 5) { ...CustomerMixFields }
  }
`);

/** `lowStock` is staff-only, and staff always see the staff-only `lowStockThreshold`. */
export const lowStockQuery = graphql(`
  query DashboardLowStock {
    lowStock(first: 10) { edges { node { product { id name } stock { available lowStockThreshold status } } } }
  }
`);

export const feedOrderFields = graphql(`
  fragment FeedOrderFields on Order {
    id number placedAt itemCount paymentStatus
    total { amount currency }
    user { name }
    lines { quantity lineTotal { amount } product { id name } }
  }
`);

export const latestOrdersQuery = graphql(`
  query DashboardLatestOrders {
    orders(first: 15) { edges { node { ...FeedOrderFields } } }
  }
`);

/** Coalesced: a dashboard that falls behind (a busy tab, a slow link) gets the orders it missed in one message. */
export const salesTicksSubscription = graphql(`
  subscription DashboardSalesTicks {
    salesTicks(coalesce: true) { ticks { at order { ...FeedOrderFields } } }
  }
`);

/** The trailing window behind the "orders per minute now" figure: 300 seconds, as written in the document. */
export const salesStatsSubscription = graphql(`
  subscription DashboardSalesStats {
    salesStats(windowSeconds: 300) { windowSeconds orders ordersPerMinute revenue { amount currency } at }
  }
`);

export const inventoryAlertsSubscription = graphql(`
  subscription DashboardInventoryAlerts {
    inventoryAlerts { kind available threshold at product { id name } }
  }
`);

export const visitorsFields = graphql(`
  fragment VisitorsFields on LiveVisitors { at activeSessions browsing withCart inCheckout purchased }
`);

export const funnelStepFields = graphql(`
  fragment FunnelStepFields on FunnelStep { stage sessions conversionFromPrevious conversionFromStart }
`);

/** The first paint of "right now" and the funnel; funnelStats keeps both current afterwards. */
export const shoppersQuery = graphql(`
  query DashboardShoppers($from: DateTime!, $to: DateTime!) {
    liveVisitors { ...VisitorsFields }
    funnel(from: $from, to: $to) { ...FunnelStepFields }
  }
`);

/** The funnel of the last hour's sessions and the visitors now: 3,600 seconds, as written in the document. */
export const funnelStatsSubscription = graphql(`
  subscription DashboardFunnelStats {
    funnelStats(windowSeconds: 3600) { at windowSeconds visitors { ...VisitorsFields } steps { ...FunnelStepFields } }
  }
`);
