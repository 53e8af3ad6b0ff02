import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter, createRateLimitStore, createServiceMetrics, type Logger, type RateLimitStore } from '@rtc/service-kit';
import { startPrivateRedis, type PrivateServer } from '@rtc/testkit';

// Rate limits on a Redis of this test's own, which it kills and starts again.
let redis: PrivateServer;
let store: RateLimitStore;
const metrics = createServiceMetrics('rate-limit-outage', { defaults: false });
const logLines: { level: string; msg: string }[] = [];
const record =
  (level: string) =>
  (...args: unknown[]) =>
    logLines.push({ level, msg: String(args.find((arg) => typeof arg === 'string')) });
// The store logs through warn and info only.
const logger = { warn: record('warn'), info: record('info') } as unknown as Logger;

async function redisUp(): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric('rtc_rate_limit_redis_up')?.get();
  return metric?.values[0]?.value;
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  store = createRateLimitStore({ redisUrl: redis.url, keyPrefix: `rtc:test:${randomBytes(4).toString('hex')}`, logger, metrics });
  await until(() => store.redis?.status === 'ready');
});

afterAll(async () => {
  await store?.close();
  await redis?.close();
});

describe('rate limits while their Redis is down', () => {
  it('keep counting in memory, fast, say so once in the log and in rtc_rate_limit_redis_up, and use Redis again once it is back', async () => {
    const limiter = createRateLimiter(store, 'logins', { points: 3, windowSeconds: 60 });
    expect(await redisUp()).toBe(1);
    await redis.stop({ kill: true });
    await until(async () => (await redisUp()) === 0);

    const started = performance.now();
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await limiter.consume('account-1'));
    expect(performance.now() - started).toBeLessThan(500);
    // Failing open to memory, not to "allow everything": the fourth attempt is still refused.
    expect(verdicts.map((verdict) => verdict.allowed)).toEqual([true, true, true, false]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logLines.filter((line) => line.msg.includes('unreachable'))).toHaveLength(1);

    await redis.start();
    await until(async () => (await redisUp()) === 1);
    expect(logLines.filter((line) => line.msg.includes('reachable again'))).toHaveLength(1);
    expect(await limiter.consume('account-2')).toEqual({ allowed: true });
    const keys = await store.redis!.keys(`${store.keyPrefix}:logins:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});
