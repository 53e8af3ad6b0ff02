import { createRateLimiter, rateLimited, type RateLimitRule, type RateLimitStore } from '@rtc/service-kit';

export interface AttemptLimitsConfig {
  /** Log-ins in a row that fail for one email, from any address; a success starts the count again. */
  readonly logInFailuresPerAccount: RateLimitRule;
  /** Failed log-ins from one client address, over all emails. */
  readonly logInFailuresPerAddress: RateLimitRule;
  /** Sign-ups from one client address. */
  readonly signUpsPerAddress: RateLimitRule;
  /** Password-reset requests for one email, whether or not an account has it. Absent: 3 an hour. */
  readonly resetRequestsPerEmail?: RateLimitRule;
  /** Password-reset requests from one client address. Absent: 10 an hour. */
  readonly resetRequestsPerAddress?: RateLimitRule;
  /** Password-reset completions from one client address that fail (a wrong or spent token). Absent: 20 a minute. */
  readonly resetFailuresPerAddress?: RateLimitRule;
}

export const defaultAttemptLimits: AttemptLimitsConfig = {
  logInFailuresPerAccount: { points: 5, windowSeconds: 15 * 60, blockSeconds: 15 * 60 },
  logInFailuresPerAddress: { points: 20, windowSeconds: 60, blockSeconds: 60 },
  signUpsPerAddress: { points: 20, windowSeconds: 60 * 60 },
  resetRequestsPerEmail: { points: 3, windowSeconds: 60 * 60 },
  resetRequestsPerAddress: { points: 10, windowSeconds: 60 * 60 },
  resetFailuresPerAddress: { points: 20, windowSeconds: 60, blockSeconds: 60 },
};

/** Calls that reach the users subgraph without a gateway-established address (other services, tests) share one key. */
const unknownAddress = 'unknown';

export interface AttemptLimits {
  /** Counts a log-in attempt before any password work; throws RATE_LIMITED when the account or the address is over its limit. */
  admitLogIn(email: string, address: string | null): Promise<void>;
  /** The password was right: the account's failures and this attempt on the address are forgotten. */
  logInSucceeded(email: string, address: string | null): Promise<void>;
  admitSignUp(address: string | null): Promise<void>;
  /** Counts a password-reset request; throws RATE_LIMITED when the email or the address asked too often. */
  admitResetRequest(email: string, address: string | null): Promise<void>;
  /** Counts a password-reset completion before the token is checked; a success takes it back. */
  admitResetCompletion(address: string | null): Promise<void>;
  resetCompleted(address: string | null): Promise<void>;
}

/**
 * Attempts are counted when they start, not when they fail, so parallel guesses cannot all pass the check
 * before the first failure is written; a success then takes its attempt back.
 */
export function createAttemptLimits(store: RateLimitStore, config: AttemptLimitsConfig = defaultAttemptLimits): AttemptLimits {
  const byAccount = createRateLimiter(store, 'login-account', config.logInFailuresPerAccount);
  const byAddress = createRateLimiter(store, 'login-address', config.logInFailuresPerAddress);
  const signUps = createRateLimiter(store, 'signup-address', config.signUpsPerAddress);
  const resetsByEmail = createRateLimiter(store, 'reset-email', config.resetRequestsPerEmail ?? defaultAttemptLimits.resetRequestsPerEmail!);
  const resetsByAddress = createRateLimiter(store, 'reset-address', config.resetRequestsPerAddress ?? defaultAttemptLimits.resetRequestsPerAddress!);
  const resetFailures = createRateLimiter(store, 'reset-failures', config.resetFailuresPerAddress ?? defaultAttemptLimits.resetFailuresPerAddress!);
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
    async admitResetRequest(email, address) {
      const verdicts = await Promise.all([resetsByEmail.consume(email), resetsByAddress.consume(address ?? unknownAddress)]);
      const refused = verdicts.flatMap((verdict) => (verdict.allowed ? [] : [verdict.retryAfterSeconds]));
      if (refused.length > 0) throw rateLimited(Math.max(...refused), 'Too many password-reset requests; retry later');
    },
    async admitResetCompletion(address) {
      const verdict = await resetFailures.consume(address ?? unknownAddress);
      if (!verdict.allowed) throw rateLimited(verdict.retryAfterSeconds, 'Too many password-reset attempts; retry later');
    },
    async resetCompleted(address) {
      await resetFailures.forgive(address ?? unknownAddress);
    },
  };
}
