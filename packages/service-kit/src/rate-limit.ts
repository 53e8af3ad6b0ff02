import { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';

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
  /** Told once when Redis becomes unreachable and once when it is back. */
  readonly logger?: Logger | undefined;
  /** Gets `rtc_rate_limit_redis_up`. */
  readonly metrics?: ServiceMetrics | undefined;
}

/**
 * Redis down fails open to memory, by design: without an offline queue each call fails fast and every limiter
 * counts in this process's memory (its insurance limiter) until Redis answers again, so limits still hold per
 * replica. Failing closed would turn a Redis outage into a full outage of the API and of log-in; counting alone
 * lets an attacker at most (replicas)x the log-in attempts for the outage's length, which the per-account lock
 * still bounds.
 */
export function createRateLimitStore({ redisUrl, keyPrefix = 'rtc:rate', logger, metrics }: RateLimitStoreOptions = {}): RateLimitStore {
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : undefined;
  if (redis) watchRedis(redis, logger, metrics);
  return {
    redis,
    keyPrefix,
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

function watchRedis(redis: Redis, logger: Logger | undefined, metrics: ServiceMetrics | undefined): void {
  const up = metrics
    ? new Gauge({
        name: 'rtc_rate_limit_redis_up',
        help: 'Whether rate-limit counters reach Redis (1) or are kept in memory (0)',
        registers: [metrics.registry],
      })
    : undefined;
  let reachable = true;
  redis.on('error', (error: Error) => {
    up?.set(0);
    if (!reachable) return;
    reachable = false;
    logger?.warn({ err: error }, 'rate-limit Redis unreachable; counting in memory until it returns');
  });
  redis.on('ready', () => {
    up?.set(1);
    if (reachable) return;
    reachable = true;
    logger?.info('rate-limit Redis reachable again');
  });
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
