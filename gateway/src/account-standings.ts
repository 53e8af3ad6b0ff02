import { LRUCache } from 'lru-cache';
import { createBatchLoader, type GraphQLClient, type Role } from '@rtc/service-kit';

/** An account as it stands now, read from the users subgraph: what every token is checked against. */
export interface AccountStanding {
  readonly userId: string;
  readonly role: Role;
  readonly tokenVersion: number;
  readonly disabled: boolean;
}

/** The standing of `userId`, null when the account no longer exists; `fresh` reads past the cache. */
export type AccountStandingLookup = (userId: string, options?: { readonly fresh?: boolean }) => Promise<AccountStanding | null>;

export interface AccountStandingsOptions {
  /** A client of the users subgraph, holding the internal token. */
  readonly users: GraphQLClient;
  /** How long an answer is trusted: a revoked token keeps working at most this long. */
  readonly ttlMs: number;
  readonly maxAccounts?: number;
}

const standingsQuery = `query AccountStandings($userIds: [ID!]!) {
  accountStandings(userIds: $userIds) { userId role tokenVersion disabled }
}`;

/**
 * Account standings cached briefly in process: each account is read at most once per `ttlMs`, concurrent reads of
 * one account share a call, and the accounts asked for in one tick share one call to the users subgraph.
 */
export function createAccountStandings({ users, ttlMs, maxAccounts = 50_000 }: AccountStandingsOptions): AccountStandingLookup {
  const loader = createBatchLoader(
    async (userIds: readonly string[]) =>
      (await users.request<{ accountStandings: AccountStanding[] }>(standingsQuery, { userIds }, { idempotent: true })).accountStandings,
    (standing) => standing.userId,
    { cache: false },
  );
  // lru-cache stores no null: a deleted account is remembered as an empty box.
  const cache = new LRUCache<string, { standing: AccountStanding | null }>({
    max: maxAccounts,
    ttl: ttlMs,
    fetchMethod: async (userId) => ({ standing: await loader.load(userId) }),
  });
  return async (userId, options) => {
    const entry = await cache.fetch(userId, { forceRefresh: options?.fresh ?? false });
    return entry?.standing ?? null;
  };
}
