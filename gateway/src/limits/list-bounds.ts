import { DEFAULT_PAGE_SIZE } from '@rtc/service-kit';
import type { GraphQLField, GraphQLNamedType } from 'graphql';

/** Arguments that cap how many items a field returns: a page size or a top-N limit. */
export const sizeArguments: ReadonlySet<string> = new Set(['first', 'limit', 'last']);

/** A page or limit argument left out: the subgraphs' default page size. */
export const defaultSize = DEFAULT_PAGE_SIZE;

/** A list with no argument bounding it and no declared bound: priced as large as a full page of anything else. */
export const unboundedListSize = 100;

/**
 * Lists without a size argument, priced by what the subgraphs actually bound them to. A bound of 1 means the list
 * is already paid for by its parent's page size (`customerStats(limit:)` bounds `topCustomers`).
 */
const declaredBounds: Readonly<Record<string, number>> = {
  // Stores keep a short category tree; one bigger than this still answers, only priced as if it were this size.
  'Query.categories': 100,
  'Category.children': 100,
  // Shop category trees are a few levels deep; a deeper path still answers, priced as this.
  'Category.breadcrumbs': 10,
  // catalog's MAX_PRODUCT_IMAGES.
  'Product.images': 20,
  // orders' maxOrderLines: a cart and an order hold at most 50 products.
  'Cart.lines': 50,
  'Order.lines': 50,
  // users' maxAddressesPerAccount.
  'User.addresses': 20,
  // A day of MINUTE buckets is the longest series orders answers (sales-window's maxSpanOf).
  'Query.salesSeries': 1_440,
  'CustomerStats.topCustomers': 1,
  // activity: one step per FunnelStage; cartAbandonment(limit:) bounds topProducts (at most 50).
  'Query.funnel': 5,
  'FunnelStats.steps': 5,
  'CartAbandonment.topProducts': 1,
  // customerRetention spans at most 53 weeks (54 week starts), dailyOrderStats at most 366 days (367 dates).
  'CustomerRetention.cohorts': 54,
  'RetentionCohort.retention': 54,
  'Query.dailyOrderStats': 367,
  // A coalesced message lists ticks the gateway resolved one at a time as orders came: priced as one tick.
  'SalesTick.ticks': 1,
  // Facets count the categories (as many as Query.categories) and catalog's six fixed price bands.
  'ProductFacets.categories': 100,
  'ProductFacets.priceBands': 6,
  // catalog's variant-input: at most 50 live variants a product, 3 options a variant.
  'Product.variants': 50,
  'Product.options': 3,
  'ProductOption.values': 50,
  'ProductVariant.selectedOptions': 3,
};

/** How many items a list field without a size argument may return. */
export function declaredListBound(parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>): number {
  const declared = declaredBounds[`${parent.name}.${field.name}`];
  if (declared !== undefined) return declared;
  // `edges` of a connection: the connection field's `first` already multiplied everything under it.
  if (parent.name.endsWith('Connection')) return 1;
  // A mutation payload's typed errors: one failure per answer (a failed mutation stops at its first).
  if (parent.name.endsWith('Payload') && field.name === 'errors') return 1;
  return unboundedListSize;
}
