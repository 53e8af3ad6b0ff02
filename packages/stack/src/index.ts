export { startStack, type RunningStack, type StackOptions } from './stack';
export { migrateAll, dropAll, defaultDatabases, databaseNames } from './databases';
export { seedIfEmpty } from './seed/seed';
export { planStore, staffAccounts, customerPassword } from './seed/plan';
export { serviceNodeFlags } from './node-flags';
export { developmentLimitsEnv } from './development-limits';
