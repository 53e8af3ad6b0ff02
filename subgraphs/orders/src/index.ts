export { createOrdersSubgraph, ordersTypeDefs, type OrdersConfig, type OrdersOverrides } from './subgraph';
export { parsePercent, parseTaxRates, type PricingConfig } from './totals/order-totals';
export { ordersMigrations } from './migrations';
export * as ordersSchema from './db/schema';
export { applyOrdersToRollups, applyOrderHistoryToRollups, type HistoricalOrder } from './rollups/write-rollups';
export { rollupDeltas, customerDeltas, minuteOf, type RollupOrder } from './rollups/rollup-deltas';
export {
  createSalesWindow,
  rollingSalesStats,
  validateWindowSeconds,
  minWindowSeconds,
  maxWindowSeconds,
  type SaleEvent,
  type SalesStats,
  type SalesWindow,
  type RollingStatsOptions,
} from './analytics/rolling-stats';
export { canTransition } from './lifecycle/transitions';
export type { OrderPlacedPayload, OrderStatusChangedPayload } from './orders/order-events';
