import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRateLimiter, createRateLimitStore, type RateLimitStore } from './rate-limit';

const redisUrl = 'redis://127.0.0.1:6379';
const stores: RateLimitStore[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storeFor(mode: 'memory' | 'redis'): Promise<RateLimitStore> {
  const store = createRateLimitStore({ redisUrl: mode === 'redis' ? redisUrl : undefined, keyPrefix: `rtc:test:${randomBytes(4).toString('hex')}` });
  stores.push(store);
  await untilConnected(store);
  return store;
}

// Counting before the connection is up would go to the in-memory insurance, not to Redis.
async function untilConnected({ redis }: RateLimitStore): Promise<void> {
  if (redis && redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

describe.each(['memory', 'redis'] as const)('rate limiter in %s', (mode) => {
  it('refuses the hit past the rule and says how long to wait', async () => {
    const limiter = createRateLimiter(await storeFor(mode), 'hits', { points: 3, windowSeconds: 30 });
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await limiter.consume('10.0.0.1'));
    expect(verdicts.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(verdicts[3]).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    const { retryAfterSeconds } = verdicts[3] as { retryAfterSeconds: number };
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('counts each key apart', async () => {
    const limiter = createRateLimiter(await storeFor(mode), 'hits', { points: 1, windowSeconds: 30 });
    expect(await limiter.consume('a')).toEqual({ allowed: true });
    expect(await limiter.consume('b')).toEqual({ allowed: true });
    expect((await limiter.consume('a')).allowed).toBe(false);
  });

  it('admits the key again once the window is over', async () => {
    const limiter = createRateLimiter(await storeFor(mode), 'hits', { points: 1, windowSeconds: 1 });
    await limiter.consume('k');
    expect((await limiter.consume('k')).allowed).toBe(false);
    await sleep(1_300);
    expect(await limiter.consume('k')).toEqual({ allowed: true });
  });

  it('keeps a key refused for the block time, past its window', async () => {
    const limiter = createRateLimiter(await storeFor(mode), 'hits', { points: 1, windowSeconds: 1, blockSeconds: 20 });
    await limiter.consume('k');
    const refused = await limiter.consume('k');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(10);
    await sleep(1_300);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it('forgets a key on reset and takes one hit back on forgive', async () => {
    const limiter = createRateLimiter(await storeFor(mode), 'hits', { points: 2, windowSeconds: 30 });
    await limiter.consume('k');
    await limiter.consume('k');
    await limiter.reset('k');
    await limiter.consume('k');
    await limiter.forgive('k');
    expect(await limiter.consume('k')).toEqual({ allowed: true });
    expect(await limiter.consume('k')).toEqual({ allowed: true });
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it('allows a burst above the steady rate, then refuses', async () => {
    const limiter = createRateLimiter(await storeFor(mode), 'hits', { points: 2, windowSeconds: 30, burst: { points: 3, windowSeconds: 30 } });
    const allowed = [];
    for (let i = 0; i < 6; i++) allowed.push((await limiter.consume('k')).allowed);
    expect(allowed).toEqual([true, true, true, true, true, false]);
  });
});

describe('rate limiter on redis', () => {
  it('shares its counts between processes that use the same store', async () => {
    const keyPrefix = `rtc:test:${randomBytes(4).toString('hex')}`;
    const [one, two] = [createRateLimitStore({ redisUrl, keyPrefix }), createRateLimitStore({ redisUrl, keyPrefix })];
    stores.push(one, two);
    await Promise.all([one, two].map(untilConnected));
    const rule = { points: 2, windowSeconds: 30 };
    await createRateLimiter(one, 'hits', rule).consume('k');
    await createRateLimiter(two, 'hits', rule).consume('k');
    expect((await createRateLimiter(one, 'hits', rule).consume('k')).allowed).toBe(false);
  });
});
