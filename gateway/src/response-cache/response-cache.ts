import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { stringify } from 'safe-stable-stringify';
import { Counter, type DomainEvent, type EventBus, type Logger, type ServiceMetrics, type TaggedCache } from '@rtc/service-kit';
import type { GatewayContext } from '../context';
import { evictedTagsOf } from './cache-tags';

export interface ResponseCacheOptions {
  readonly cache: TaggedCache;
  /** An entry lives the shortest `max-age` of the subgraph answers it was made from, and never longer than this. */
  readonly maxTtlMs: number;
  readonly metrics?: ServiceMetrics | undefined;
  readonly logger: Logger;
}

export interface ResponseCache {
  /** Serves anonymous queries from the cache and stores the cacheable ones. */
  readonly plugin: ApolloServerPlugin<GatewayContext>;
  /** Evicts what `event` made stale; the gateway calls it for every event of the log. */
  onEvent(event: DomainEvent): void;
  close(): Promise<void>;
}

type Outcome = 'hit' | 'miss' | 'stored';

/**
 * The gateway's cache of whole answers to anonymous queries. An answer is stored only when every subgraph fetch of its
 * plan said, in its `Cache-Control` header, that it is public and may be kept (`@cacheControl` hints; a subgraph without
 * hints sends none, so e.g. orders' and users' answers never are), it has no error, and no eviction ran while it was
 * being made (it might predate the change). Callers with a token never read or fill it: a customer's or staff's answer
 * may hold what only they may see. Events of the log evict entries by the tags of the fetches that made them.
 */
export function createResponseCache({ cache, maxTtlMs, metrics, logger }: ResponseCacheOptions): ResponseCache {
  const outcomes = metrics
    ? new Counter({
        name: 'rtc_gateway_response_cache_requests_total',
        help: 'Anonymous queries answered from the response cache (hit), made anew (miss), and made anew then stored (stored)',
        labelNames: ['result'],
        registers: [metrics.registry],
      })
    : undefined;
  const evictions = metrics
    ? new Counter({
        name: 'rtc_gateway_response_cache_evictions_total',
        help: 'Events that evicted cached answers, by event type',
        labelNames: ['event'],
        registers: [metrics.registry],
      })
    : undefined;
  const count = (result: Outcome) => outcomes?.inc({ result });
  // Bumped as an eviction starts: an answer whose making overlapped one is not stored, it may predate the change.
  let evictionsStarted = 0;

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart(start) {
      if (!start.contextValue.cacheTags) return;
      const evictionsAtStart = evictionsStarted;
      let key: string | undefined;
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation.operation !== 'query') return null;
          key = createHash('sha256')
            .update(`${requestContext.queryHash}\n${requestContext.operationName ?? ''}\n${stringify(requestContext.request.variables ?? {})}`)
            .digest('base64url');
          const cached = await cache.get(key);
          if (cached === undefined) return null;
          key = undefined;
          count('hit');
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: JSON.parse(cached) as Record<string, unknown> } },
          };
        },
        async willSendResponse({ response, overallCachePolicy, contextValue }) {
          if (key === undefined) return;
          const policy = overallCachePolicy.policyIfCacheable();
          const storable =
            response.body.kind === 'single' &&
            !response.body.singleResult.errors &&
            response.body.singleResult.data &&
            policy?.scope === 'PUBLIC' &&
            evictionsStarted === evictionsAtStart;
          if (!storable || response.body.kind !== 'single') return count('miss');
          count('stored');
          const tags = [...(contextValue.cacheTags ?? [])];
          await cache.set(key, JSON.stringify(response.body.singleResult.data), Math.min(policy.maxAge * 1000, maxTtlMs), tags);
        },
      };
    },
  };

  return {
    plugin,
    onEvent(event) {
      const tags = evictedTagsOf(event);
      if (tags.length === 0) return;
      evictionsStarted++;
      evictions?.inc({ event: event.type });
      cache.evict(tags).catch((error: unknown) => logger.warn({ err: error, event: event.type }, 'response cache eviction failed'));
    },
    close: () => cache.close(),
  };
}

/** Subscribes the cache to the event log; returns the unsubscribe. */
export function evictOnEvents(responseCache: ResponseCache, bus: EventBus): () => void {
  return bus.subscribe((event) => responseCache.onEvent(event));
}
