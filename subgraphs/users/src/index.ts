export { createUsersSubgraph, usersTypeDefs, type UsersAbuseConfig, type UsersConfig } from './subgraph';
export { defaultAttemptLimits, type AttemptLimitsConfig } from './accounts/attempt-limits';
export { usersMigrations } from './migrations';
export { hashPassword } from './accounts/password';
export * as usersSchema from './db/schema';
