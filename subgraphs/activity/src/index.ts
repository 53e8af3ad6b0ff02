export { createActivitySubgraph, activityTypeDefs, type ActivityConfig } from './subgraph';
export { activityMigrations } from './migrations';
export * as activitySchema from './db/schema';
export { maxFunnelWindowSeconds, minFunnelWindowSeconds, validateFunnelWindow } from './live/live-window';
