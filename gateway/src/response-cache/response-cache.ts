import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { stringify } from 'safe-stable-stringify';
import {
  Counter,
  createTaggedLru,
  type DomainEvent,
  type EventBus,
  type Logger,
  type RequestRecorder,
  type ServiceMetrics,
  type TaggedCache,
} from '@rtc/service-kit';
import type { GatewayContext } from '../context';
import { evictedTagsOf } from './cache-tags';

export interface ResponseCacheOptions {
  /** Entries shared by every replica (Redis); absent, this process's hot entries are the whole cache. */
  readonly shared?: TaggedCache | undefined;
  /** Answers each process keeps in memory, ready to send. */
  readonly maxEntries: number;
  /** An entry lives the shortest `max-age` of the subgraph answers it was made from, and never longer than this. */
  readonly maxTtlMs: number;
  /**
   * What, besides the operation, decides an answer or whether it is given at all (the operation limits, the trusted
   * documents mode): part of every key, so replicas configured differently never serve each other's answers.
   */
  readonly keyScope: string;
  readonly metrics?: ServiceMetrics | undefined;
  /** Counts a hit answered before Apollo as the request it is (rtc_graphql_requests_total and its duration). */
  readonly requests?: RequestRecorder | undefined;
  readonly logger: Logger;
}

export interface ResponseCache {
  /** Serves anonymous queries from the cache and stores the cacheable ones. */
  readonly plugin: ApolloServerPlugin<GatewayContext>;
  /**
   * For the HTTP route, before Apollo: sends a cached answer to an anonymous POST of a query and resolves true, or
   * resolves false (and leaves the key it computed for `keyLookedUpFor`) so that Apollo runs it.
   */
  answerEarly(req: IncomingMessage, body: unknown, res: ServerResponse): boolean | Promise<boolean>;
  /** The key `answerEarly` looked up and missed for `req`, so the request's plugin does not look it up again. */
  keyLookedUpFor(req: IncomingMessage): string | undefined;
  /** Evicts what `event` made stale; the gateway calls it for every event of the log. */
  onEvent(event: DomainEvent): void;
  close(): Promise<void>;
}

type Outcome = 'hit' | 'miss' | 'stored';

/** A cached answer as sent: the bytes Apollo would send, and the operation it answers (for request metrics). */
interface CachedAnswer {
  readonly operation: string | null;
  readonly body: Buffer;
  readonly expiresAt: number;
  readonly tags: readonly string[];
}

// In the shared store an entry is one string: a JSON line of what describes it, then the body as sent.
interface EntryHead {
  readonly operation: string | null;
  readonly expiresAt: number;
  readonly tags: readonly string[];
}

function encodeEntry(answer: CachedAnswer): string {
  const head: EntryHead = { operation: answer.operation, expiresAt: answer.expiresAt, tags: answer.tags };
  return `${JSON.stringify(head)}\n${answer.body.toString('utf8')}`;
}

function decodeEntry(text: string): CachedAnswer | undefined {
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const head = JSON.parse(text.slice(0, newline)) as EntryHead;
    return { operation: head.operation, expiresAt: head.expiresAt, tags: head.tags, body: Buffer.from(text.slice(newline + 1), 'utf8') };
  } catch {
    return undefined;
  }
}

/** What Apollo sends for an answer with data and no error (its prettyJSONStringify). */
function bodyOf(data: Record<string, unknown>): Buffer {
  return Buffer.from(`${JSON.stringify({ data })}\n`, 'utf8');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The key of an anonymous answer: the scope, the document's text, the operation asked for and the variables (canonical JSON). */
export function responseKeyOf(keyScope: string, query: string, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256')
    .update(`${keyScope}\n${operationName ?? ''}\n${stringify(variables ?? {})}\n${query}`)
    .digest('base64url');
}

/**
 * Requests whose answer Apollo would send as plain `application/json` (no `Accept` asking otherwise): only those are
 * answered before Apollo, byte for byte as Apollo answers them; the rest are served from the cache by the plugin.
 */
function acceptsPlainJson(accept: string | undefined): boolean {
  return accept === undefined || accept === '' || accept === '*/*' || accept === 'application/json';
}

/**
 * The gateway's cache of whole answers to anonymous queries. An answer is stored only when every subgraph fetch of its
 * plan said, in its `Cache-Control` header, that it is public and may be kept (`@cacheControl` hints; a subgraph without
 * hints sends none, so e.g. orders' and users' answers never are), it has no error, and no eviction ran while it was
 * being made (it might predate the change). Callers with a token never read or fill it: a customer's or staff's answer
 * may hold what only they may see. Events of the log evict entries by the tags of the fetches that made them.
 *
 * Each process keeps its entries in memory as the bytes it sends (a hit is answered before Apollo parses anything),
 * in front of the shared store when there is one. Every replica reads every event, so each evicts its own memory.
 */
export function createResponseCache({ shared, maxEntries, maxTtlMs, keyScope, metrics, requests, logger }: ResponseCacheOptions): ResponseCache {
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
  const counted = { hit: outcomes?.labels({ result: 'hit' }), miss: outcomes?.labels({ result: 'miss' }), stored: outcomes?.labels({ result: 'stored' }) };
  const count = (result: Outcome) => counted[result]?.inc();
  const hot = createTaggedLru<CachedAnswer>({ maxEntries });
  // Bumped as an eviction starts: an answer whose making overlapped one is not stored, it may predate the change.
  let evictionsStarted = 0;
  // Evictions of the shared store not yet done: what it answers meanwhile may be stale, so it is not believed.
  let sharedEvictionsPending = 0;
  const lookedUp = new WeakMap<IncomingMessage, string>();

  /** The answer under `key`, from memory or else from the shared store (then kept in memory too). */
  const lookUp = (key: string): CachedAnswer | undefined | Promise<CachedAnswer | undefined> => {
    const answer = hot.get(key);
    if (answer || !shared) return answer;
    const evictionsAtStart = evictionsStarted;
    return shared.get(key).then((text) => {
      if (text === undefined || sharedEvictionsPending > 0 || evictionsStarted !== evictionsAtStart) return undefined;
      const found = decodeEntry(text);
      const ttlMs = found ? found.expiresAt - Date.now() : 0;
      if (!found || ttlMs <= 0) return undefined;
      hot.set(key, found, ttlMs, found.tags);
      return found;
    });
  };

  const send = (res: ServerResponse, answer: CachedAnswer) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.body.length });
    res.end(answer.body);
  };

  const answerWith = (req: IncomingMessage, res: ServerResponse, key: string, answer: CachedAnswer | undefined, startedNs: bigint): boolean => {
    if (!answer) {
      lookedUp.set(req, key);
      return false;
    }
    count('hit');
    send(res, answer);
    requests?.record(answer.operation, 'success', startedNs);
    return true;
  };

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart(start) {
      if (!start.contextValue.cacheTags) return;
      const evictionsAtStart = evictionsStarted;
      const earlyKey = start.contextValue.responseCacheKey;
      let key: string | undefined;
      return {
        async responseForOperation(requestContext) {
          if (requestContext.operation.operation !== 'query') return null;
          if (earlyKey !== undefined) {
            // answerEarly looked this key up a moment ago and missed.
            key = earlyKey;
            return null;
          }
          key = responseKeyOf(keyScope, requestContext.source, requestContext.request.operationName, requestContext.request.variables);
          const cached = await lookUp(key);
          if (cached === undefined) return null;
          key = undefined;
          count('hit');
          const { data } = JSON.parse(cached.body.toString('utf8')) as { data: Record<string, unknown> };
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } };
        },
        async willSendResponse({ response, overallCachePolicy, contextValue, operationName, request }) {
          if (key === undefined) return;
          const policy = overallCachePolicy.policyIfCacheable();
          const data = response.body.kind === 'single' && !response.body.singleResult.errors ? response.body.singleResult.data : undefined;
          if (!data || policy?.scope !== 'PUBLIC' || evictionsStarted !== evictionsAtStart) return count('miss');
          count('stored');
          const ttlMs = Math.min(policy.maxAge * 1000, maxTtlMs);
          const tags = [...(contextValue.cacheTags ?? [])];
          const answer: CachedAnswer = { operation: operationName ?? request.operationName ?? null, body: bodyOf(data), expiresAt: Date.now() + ttlMs, tags };
          hot.set(key, answer, ttlMs, tags);
          await shared?.set(key, encodeEntry(answer), ttlMs, tags);
        },
      };
    },
  };

  return {
    plugin,
    answerEarly(req, body, res) {
      if (req.method !== 'POST' || req.headers.authorization !== undefined || !acceptsPlainJson(req.headers.accept) || !isRecord(body)) return false;
      const { query, operationName, variables } = body;
      if (typeof query !== 'string' || query === '') return false;
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return false;
      if (variables !== undefined && variables !== null && !isRecord(variables)) return false;
      // Only a query may be answered from the cache: a mutation's text never is, as nothing stores it under a key.
      const startedNs = process.hrtime.bigint();
      const key = responseKeyOf(keyScope, query, operationName, variables);
      const found = lookUp(key);
      return found instanceof Promise ? found.then((answer) => answerWith(req, res, key, answer, startedNs)) : answerWith(req, res, key, found, startedNs);
    },
    keyLookedUpFor: (req) => lookedUp.get(req),
    onEvent(event) {
      const tags = evictedTagsOf(event);
      if (tags.length === 0) return;
      evictionsStarted++;
      evictions?.inc({ event: event.type });
      hot.evict(tags);
      if (!shared) return;
      sharedEvictionsPending++;
      shared
        .evict(tags)
        .catch((error: unknown) => logger.warn({ err: error, event: event.type }, 'response cache eviction failed'))
        .finally(() => sharedEvictionsPending--);
    },
    async close() {
      hot.clear();
      await shared?.close();
    },
  };
}

/** Subscribes the cache to the event log; returns the unsubscribe. */
export function evictOnEvents(responseCache: ResponseCache, bus: EventBus): () => void {
  return bus.subscribe((event) => responseCache.onEvent(event));
}
