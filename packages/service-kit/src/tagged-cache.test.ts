import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryTaggedCache, createRedisTaggedCache, type TaggedCache } from './tagged-cache';

const caches: TaggedCache[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function cacheFor(mode: 'memory' | 'redis', maxEntries = 100): Promise<TaggedCache> {
  const cache =
    mode === 'memory'
      ? createMemoryTaggedCache({ maxEntries })
      : createRedisTaggedCache({ redisUrl: 'redis://127.0.0.1:6379', keyPrefix: `rtc:test:${randomBytes(4).toString('hex')}`, maxTtlMs: 60_000 });
  caches.push(cache);
  // Without an offline queue, Redis commands before the connection is up are misses: wait until one lands.
  for (let tries = 0; mode === 'redis' && tries < 100; tries++) {
    await cache.set('probe', 'up', 5_000, []);
    if ((await cache.get('probe')) === 'up') break;
    await sleep(20);
  }
  return cache;
}

afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close()));
});

describe.each(['memory', 'redis'] as const)('tagged cache in %s', (mode) => {
  it('returns what was stored until its TTL runs out', async () => {
    const cache = await cacheFor(mode);
    await cache.set('listing', '{"a":1}', 150, ['Product:1']);
    expect(await cache.get('listing')).toBe('{"a":1}');
    await sleep(250);
    expect(await cache.get('listing')).toBeUndefined();
  });

  it('evicts every entry carrying an evicted tag, and only those', async () => {
    const cache = await cacheFor(mode);
    await cache.set('listing', 'L', 10_000, ['catalog:root', 'Product:1', 'Product:2']);
    await cache.set('page-2', 'P2', 10_000, ['Product:2']);
    await cache.set('page-3', 'P3', 10_000, ['Product:3']);
    await cache.evict(['Product:2']);
    expect(await cache.get('listing')).toBeUndefined();
    expect(await cache.get('page-2')).toBeUndefined();
    expect(await cache.get('page-3')).toBe('P3');
    await cache.evict(['Product:9']);
    expect(await cache.get('page-3')).toBe('P3');
  });

  it('keeps an entry stored again after an eviction of its tag', async () => {
    const cache = await cacheFor(mode);
    await cache.set('listing', 'old', 10_000, ['Product:1']);
    await cache.evict(['Product:1']);
    await cache.set('listing', 'new', 10_000, ['Product:1']);
    expect(await cache.get('listing')).toBe('new');
  });
});

describe('tagged cache in memory', () => {
  it('holds at most maxEntries, dropping the least recently read and its tags', async () => {
    const cache = await cacheFor('memory', 2);
    await cache.set('a', 'A', 10_000, ['t']);
    await cache.set('b', 'B', 10_000, ['t']);
    await cache.get('a');
    await cache.set('c', 'C', 10_000, ['u']);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe('A');
    await cache.evict(['t']);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBe('C');
  });
});

describe('tagged cache in Redis that cannot be reached', () => {
  it('misses and ignores writes instead of failing', async () => {
    const cache = createRedisTaggedCache({ redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'rtc:test:down', maxTtlMs: 1_000 });
    caches.push(cache);
    await cache.set('listing', 'L', 1_000, ['Product:1']);
    expect(await cache.get('listing')).toBeUndefined();
    await cache.evict(['Product:1']);
  });
});
