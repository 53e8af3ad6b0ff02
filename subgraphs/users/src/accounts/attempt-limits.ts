import { createRateLimiter, rateLimited, type RateLimitRule, type RateLimitStore } from '@rtc/service-kit';

export interface AttemptLimitsConfig {
  /** Log-ins in a row that fail for one email, from any address; a success starts the count again. */
  readonly logInFailuresPerAccount: RateLimitRule;
  /** Failed log-ins from one client address, over all emails. */
  readonly logInFailuresPerAddress: RateLimitRule;
  /** Sign-ups from one client address. */
  readonly signUpsPerAddress: RateLimitRule;
}

export const defaultAttemptLimits: AttemptLimitsConfig = {
  logInFailuresPerAccount: { points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  logInFailuresPerAddress: { points: 20, windowSeconds: 60, blockSeconds: 60 },
  signUpsPerAddress: { points: 20, windowSeconds: 60 * 60 },
};

/** Calls that reach the users subgraph without a gateway-established address (other services, tests) share one key. */
const unknownAddress = 'unknown';

export interface AttemptLimits {
  /** Counts a log-in attempt before any password work; throws RATE_LIMITED when the account or the address is over its limit. */
  admitLogIn(email: string, address: string | null): Promise<void>;
  /** The password was right: the account's failures and this attempt on the address are forgotten. */
  logInSucceeded(email: string, address: string | null): Promise<void>;
  admitSignUp(address: string | null): Promise<void>;
}

/**
 * Attempts are counted when they start, not when they fail, so parallel guesses cannot all pass the check
 * before the first failure is written; a success then takes its attempt back.
 */
export function createAttemptLimits(store: RateLimitStore, config: AttemptLimitsConfig = defaultAttemptLimits): AttemptLimits {
  const byAccount = createRateLimiter(store, 'login-account', config.logInFailuresPerAccount);
  const byAddress = createRateLimiter(store, 'login-address', config.logInFailuresPerAddress);
  const signUps = createRateLimiter(store, 'signup-address', config.signUpsPerAddress);
  return {
    async admitLogIn(email, address) {
      const [account, client] = await Promise.all([byAccount.consume(email), byAddress.consume(address ?? unknownAddress)]);
      const refused = [account, client].flatMap((verdict) => (verdict.allowed ? [] : [verdict.retryAfterSeconds]));
      if (refused.length > 0) throw rateLimited(Math.max(...refused), 'Too many log-in attempts; retry later');
    },
    async logInSucceeded(email, address) {
      await Promise.all([byAccount.reset(email), byAddress.forgive(address ?? unknownAddress)]);
    },
    async admitSignUp(address) {
      const verdict = await signUps.consume(address ?? unknownAddress);
      if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds, 'Too many sign-ups from this address; retry later');
    },
  };
}
