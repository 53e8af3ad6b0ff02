import { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** So many hits per window; over it, the key is refused for `blockSeconds` (default: the rest of the window). */
export interface RateLimitRule {
  readonly points: number;
  readonly windowSeconds: number;
  readonly blockSeconds?: number;
  /** Extra hits allowed once `points` are spent, refilled over their own window: a burst above the steady rate. */
  readonly burst?: { readonly points: number; readonly windowSeconds: number };
}

export type RateLimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one hit of `key` and says whether it was still within the rule. */
  consume(key: string): Promise<RateLimitVerdict>;
  /** Takes one hit of `key` back. */
  forgive(key: string): Promise<void>;
  /** Forgets `key`, e.g. an account's failed log-ins once the right password is given. */
  reset(key: string): Promise<void>;
}

/** Where counters live: Redis, shared by every replica, when a URL is given; this process's memory otherwise. */
export interface RateLimitStore {
  readonly redis: Redis | undefined;
  /** Keeps the counters of one deployment (or one test) apart from others on the same Redis. */
  readonly keyPrefix: string;
  close(): Promise<void>;
}

export interface RateLimitStoreOptions {
  readonly redisUrl?: string | undefined;
  readonly keyPrefix?: string;
}

export function createRateLimitStore({ redisUrl, keyPrefix = 'rtc:rate' }: RateLimitStoreOptions = {}): RateLimitStore {
  // Without an offline queue a Redis outage fails fast, and each limiter falls back to its in-memory insurance.
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', () => undefined);
  return {
    redis,
    keyPrefix,
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

function secondsUntil(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

function createLimiter(store: RateLimitStore, keyPrefix: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract {
  const options = { keyPrefix: `${store.keyPrefix}:${keyPrefix}`, points, duration, blockDuration };
  if (!store.redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({
    ...options,
    storeClient: store.redis,
    insuranceLimiter: new RateLimiterMemory(options),
    // A key over its limit is refused from memory for a while: a flood costs Redis nothing once it is refused.
    inMemoryBlockOnConsumed: points + 1,
    inMemoryBlockDuration: blockDuration || duration,
  });
}

/** A named rule over keys (addresses, accounts, users), counted in `store`. */
export function createRateLimiter(store: RateLimitStore, name: string, rule: RateLimitRule): RateLimiter {
  const steady = createLimiter(store, name, rule.points, rule.windowSeconds, rule.blockSeconds);
  const limiter = rule.burst ? new BurstyRateLimiter(steady, createLimiter(store, `${name}:burst`, rule.burst.points, rule.burst.windowSeconds)) : steady;
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: secondsUntil(refusal.msBeforeNext) };
        throw refusal;
      }
    },
    async forgive(key) {
      await steady.reward(key, 1);
    },
    async reset(key) {
      await steady.delete(key);
    },
  };
}
