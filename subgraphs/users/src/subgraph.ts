import { readFileSync } from 'node:fs';
import { inArray } from 'drizzle-orm';
import { parse } from 'graphql';
import { Counter, createBatchLoader, createRateLimitStore, createServiceRelay, createSubgraphServer, type ServiceDeps } from '@rtc/service-kit';
import { createAccountAdmin } from './accounts/account-admin';
import { createAccounts } from './accounts/accounts';
import { createAddressBook } from './addresses/address-book';
import { createAttemptLimits, type AttemptLimitsConfig } from './accounts/attempt-limits';
import { createPasswordHasher, type PasswordHashingLimits } from './accounts/password';
import { createPasswordReset } from './accounts/password-reset';
import { createLoggedPasswordResetDelivery, createUndeliverablePasswordResetDelivery, type PasswordResetDelivery } from './accounts/password-reset-delivery';
import type { UsersContext } from './context';
import { createUsersDb } from './db/client';
import { users } from './db/schema';
import { resolvers } from './resolvers';
import { createRefreshTokens } from './sessions/refresh-tokens';

export const usersTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface UsersConfig {
  readonly production: boolean;
  readonly internalToken: string;
  readonly jwtSecret: string;
  readonly tokenTtlSeconds: number;
  /** Log-in and sign-up limits and the password-hashing queue; absent parts take the production defaults. */
  readonly abuse?: UsersAbuseConfig;
  /** How long a session lasts without being refreshed. */
  readonly refreshTokenTtlSeconds?: number;
  /** How long a password-reset token works. Default 30 minutes. */
  readonly passwordResetTtlSeconds?: number;
}

export interface UsersOverrides {
  /** Where reset tokens go; by default logged outside production, and not sent (with a warning) in production. */
  readonly passwordResetDelivery?: PasswordResetDelivery;
}

export interface UsersAbuseConfig {
  /** Counters shared by every replica; without it each process counts alone. */
  readonly redisUrl?: string | undefined;
  readonly keyPrefix?: string;
  readonly attempts?: AttemptLimitsConfig;
  readonly passwordHashing?: PasswordHashingLimits;
}

const defaultRefreshTokenTtlSeconds = 30 * 24 * 3600;
const defaultPasswordResetTtlSeconds = 30 * 60;

/** Builds the users subgraph without listening. */
export async function createUsersSubgraph(config: UsersConfig, deps: ServiceDeps, overrides: UsersOverrides = {}) {
  const { pool, metrics } = deps;
  const db = createUsersDb(pool);
  const relay = createServiceRelay(deps);
  const signups = new Counter({ name: 'rtc_user_signups_total', help: 'Customer sign-ups', registers: [metrics.registry] });
  const limitStore = createRateLimitStore({
    redisUrl: config.abuse?.redisUrl,
    keyPrefix: config.abuse?.keyPrefix ?? 'rtc:users',
    logger: deps.logger.child({ component: 'rate-limits' }),
    metrics,
  });
  const refreshTokens = createRefreshTokens(db, config.refreshTokenTtlSeconds ?? defaultRefreshTokenTtlSeconds);
  const accountAdmin = createAccountAdmin(db, refreshTokens);
  const passwords = createPasswordHasher(config.abuse?.passwordHashing);
  const attempts = createAttemptLimits(limitStore, config.abuse?.attempts);
  const resetLogger = deps.logger.child({ component: 'password-reset' });
  const passwordReset = createPasswordReset({
    db,
    passwords,
    attempts,
    delivery:
      overrides.passwordResetDelivery ??
      (config.production ? createUndeliverablePasswordResetDelivery(resetLogger) : createLoggedPasswordResetDelivery(resetLogger)),
    ttlSeconds: config.passwordResetTtlSeconds ?? defaultPasswordResetTtlSeconds,
    logger: resetLogger,
  });
  const accounts = createAccounts({
    db,
    refreshTokens,
    jwtSecret: config.jwtSecret,
    tokenTtlSeconds: config.tokenTtlSeconds,
    signups,
    onEventsWritten: relay.nudge,
    passwords,
    attempts,
    passwordReset,
  });
  const addressBook = createAddressBook(db);
  const server = await createSubgraphServer<UsersContext>({
    name: 'users',
    typeDefs: usersTypeDefs,
    resolvers,
    config,
    deps,
    createContext: (base) => ({
      ...base,
      db,
      accounts,
      accountAdmin,
      addressBook,
      userById: createBatchLoader(
        (ids) =>
          db
            .select()
            .from(users)
            .where(inArray(users.id, [...ids])),
        (row) => row.id,
      ),
    }),
  });
  return { ...server, relay, passwordReset, stop: () => limitStore.close() };
}
