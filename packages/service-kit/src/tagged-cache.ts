import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from './logger';

/**
 * Strings kept for a while under a key, each with tags naming what it was made from (`Product:12`), so that a change
 * of that thing evicts every entry made from it at once.
 */
export interface TaggedCache {
  /** The value, or undefined when absent, expired, or the store cannot be reached (a miss, never an error). */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number, tags: readonly string[]): Promise<void>;
  /** Removes every entry carrying any of `tags`. */
  evict(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface MemoryTaggedCacheOptions {
  /** Entries kept at most; the least recently read leave first. */
  readonly maxEntries: number;
}

/**
 * Values of any kind in this process, with tags, read synchronously: an LRU bounded by entry count, with a per-entry
 * TTL and a tag → keys index kept in step. The memory TaggedCache is one of these; the gateway's response cache keeps
 * its hot entries (serialised bytes) in another, so a hit costs no promise and no copy.
 */
export interface TaggedLru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs: number, tags: readonly string[]): void;
  evict(tags: readonly string[]): void;
  clear(): void;
}

export function createTaggedLru<V extends NonNullable<unknown>>({ maxEntries }: MemoryTaggedCacheOptions): TaggedLru<V> {
  const keysByTag = new Map<string, Set<string>>();
  const tagsByKey = new Map<string, readonly string[]>();
  const unindex = (key: string) => {
    for (const tag of tagsByKey.get(key) ?? []) {
      const keys = keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) keysByTag.delete(tag);
    }
    tagsByKey.delete(key);
  };
  const entries = new LRUCache<string, V>({ max: maxEntries, ttlAutopurge: false, dispose: (_value, key) => unindex(key) });
  return {
    get: (key) => entries.get(key),
    set(key, value, ttlMs, tags) {
      entries.set(key, value, { ttl: Math.max(1, ttlMs) });
      tagsByKey.set(key, tags);
      for (const tag of tags) {
        let keys = keysByTag.get(tag);
        if (!keys) keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    },
    evict(tags) {
      for (const tag of tags) for (const key of [...(keysByTag.get(tag) ?? [])]) entries.delete(key);
    },
    clear: () => entries.clear(),
  };
}

/** One process's cache: a TaggedLru of strings behind the TaggedCache interface. */
export function createMemoryTaggedCache(options: MemoryTaggedCacheOptions): TaggedCache {
  const entries = createTaggedLru<string>(options);
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, value, ttlMs, tags) {
      entries.set(key, value, ttlMs, tags);
    },
    async evict(tags) {
      entries.evict(tags);
    },
    async close() {
      entries.clear();
    },
  };
}

export interface RedisTaggedCacheOptions {
  readonly redisUrl: string;
  /** Keeps one deployment's (or one test's) entries apart from others on the same Redis. */
  readonly keyPrefix: string;
  /** The longest TTL ever set: a tag's set of keys lives this long after its last entry was added. */
  readonly maxTtlMs: number;
  readonly logger?: Logger;
}

// Reads each tag's keys and deletes them with the tag in one atomic step: an entry added meanwhile cannot lose its tag.
const evictScript = `
for _, tag in ipairs(KEYS) do
  local keys = redis.call('SMEMBERS', tag)
  for i = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
  end
  redis.call('DEL', tag)
end
return 0`;

/**
 * Entries shared by every gateway replica: each entry a key with its TTL, each tag a set of entry keys. Redis failing
 * makes reads misses and writes no-ops (logged once per outage), so the cache never fails a request.
 */
export function createRedisTaggedCache({ redisUrl, keyPrefix, maxTtlMs, logger }: RedisTaggedCacheOptions): TaggedCache {
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  let failing = false;
  redis.on('error', (error: unknown) => {
    if (!failing) logger?.warn({ err: error }, 'response cache Redis unreachable; reads miss until it returns');
    failing = true;
  });
  redis.on('ready', () => {
    if (failing) logger?.info('response cache Redis reachable again');
    failing = false;
  });
  const entryKey = (key: string) => `${keyPrefix}:entry:${key}`;
  const tagKey = (tag: string) => `${keyPrefix}:tag:${tag}`;
  return {
    async get(key) {
      try {
        return (await redis.get(entryKey(key))) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async set(key, value, ttlMs, tags) {
      const multi = redis.multi().set(entryKey(key), value, 'PX', Math.max(1, Math.round(ttlMs)));
      for (const tag of tags) multi.sadd(tagKey(tag), entryKey(key)).pexpire(tagKey(tag), maxTtlMs);
      await multi.exec().catch(() => undefined);
    },
    async evict(tags) {
      if (tags.length === 0) return;
      await redis.eval(evictScript, tags.length, ...tags.map(tagKey)).catch((error: unknown) => {
        logger?.warn({ err: error, tags }, 'response cache eviction failed; the entries expire with their TTL');
      });
    },
    async close() {
      redis.disconnect();
    },
  };
}

export interface TaggedCacheOptions extends MemoryTaggedCacheOptions, Omit<RedisTaggedCacheOptions, 'redisUrl'> {
  readonly redisUrl?: string | undefined;
}

/** In Redis when a URL is given, shared by every replica; in this process's memory otherwise. */
export function createTaggedCache(options: TaggedCacheOptions): TaggedCache {
  return options.redisUrl ? createRedisTaggedCache({ ...options, redisUrl: options.redisUrl }) : createMemoryTaggedCache(options);
}
