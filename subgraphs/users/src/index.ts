export { createUsersSubgraph, usersTypeDefs, type UsersConfig } from './subgraph';
export { usersMigrations } from './migrations';
export { hashPassword } from './accounts/password';
export * as usersSchema from './db/schema';
