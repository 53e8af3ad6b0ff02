import type { ApiRateLimitsConfig } from '@rtc/gateway';
import { defaultAttemptLimits, type AttemptLimitsConfig } from '@rtc/users';

/**
 * Limits for a store run on one machine, where the simulator, the benchmarks and the tests send everything from
 * 127.0.0.1: request and socket rates far above what they reach, so only real abuse meets them.
 */
export const developmentApiRateLimits: ApiRateLimitsConfig = {
  // The response cache answers one address more than 20,000 times a second on two cores.
  perAddress: { perSecond: 200_000, burst: 400_000 },
  perUser: { perSecond: 5_000, burst: 10_000 },
  newSocketsPerAddressPerSecond: 5_000,
  openSocketsPerAddress: 100_000,
};

/** A wrong password still locks its account as in production; one address may fail and sign up far more often. */
export const developmentAttemptLimits: AttemptLimitsConfig = {
  ...defaultAttemptLimits,
  logInFailuresPerAddress: { points: 1_000, windowSeconds: 60 },
  signUpsPerAddress: { points: 10_000, windowSeconds: 60 * 60 },
  resetRequestsPerAddress: { points: 10_000, windowSeconds: 60 * 60 },
  resetFailuresPerAddress: { points: 1_000, windowSeconds: 60 },
};

export const developmentPasswordHashing = { concurrency: 4, maxQueued: 10_000 };

/** Where a stack's rate-limit counters live in Redis: apart from every other stack's on the same server. */
export function rateLimitKeyPrefix(options: { readonly eventChannel?: string | undefined }, service: string): string {
  return `${options.eventChannel ?? 'rtc'}:rate:${service}`;
}

/** The same limits as environment variables, for services started as their own processes. */
export function developmentLimitsEnv(): Record<string, string> {
  const api = developmentApiRateLimits;
  const attempts = developmentAttemptLimits;
  return {
    RATE_LIMIT_ADDRESS_PER_SECOND: String(api.perAddress.perSecond),
    RATE_LIMIT_ADDRESS_BURST: String(api.perAddress.burst),
    RATE_LIMIT_USER_PER_SECOND: String(api.perUser.perSecond),
    RATE_LIMIT_USER_BURST: String(api.perUser.burst),
    RATE_LIMIT_NEW_SOCKETS_PER_SECOND: String(api.newSocketsPerAddressPerSecond),
    RATE_LIMIT_OPEN_SOCKETS: String(api.openSocketsPerAddress),
    RATE_LIMIT_LOGIN_ADDRESS_FAILURES: String(attempts.logInFailuresPerAddress.points),
    RATE_LIMIT_LOGIN_ADDRESS_WINDOW_SECONDS: String(attempts.logInFailuresPerAddress.windowSeconds),
    RATE_LIMIT_SIGNUP_ADDRESS: String(attempts.signUpsPerAddress.points),
    RATE_LIMIT_SIGNUP_ADDRESS_WINDOW_SECONDS: String(attempts.signUpsPerAddress.windowSeconds),
    RATE_LIMIT_PASSWORD_RESET_ADDRESS: String(attempts.resetRequestsPerAddress!.points),
    PASSWORD_HASH_QUEUE: String(developmentPasswordHashing.maxQueued),
  };
}
