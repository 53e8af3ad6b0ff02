export { createInventorySubgraph, inventoryTypeDefs, type InventoryConfig } from './subgraph';
export { inventoryMigrations } from './migrations';
export { inventoryAlertFrom, inventoryAlertKind, type InventoryAlert, type InventoryAlertKind } from './stock/alerts';
export { stockChangedPayload, type StockChangedPayload } from './stock/stock-changed';
export { DEFAULT_LOW_STOCK_THRESHOLD, stockStatusOf, type StockStatus } from './stock/stock-level';
export * as inventorySchema from './db/schema';
