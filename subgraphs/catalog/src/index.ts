export { createCatalogSubgraph, catalogTypeDefs, type CatalogConfig } from './subgraph';
export { catalogMigrations } from './migrations';
export * as catalogSchema from './db/schema';
