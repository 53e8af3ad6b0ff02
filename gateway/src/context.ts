import type { Caller } from '@rtc/service-kit';

export interface GatewayContext {
  readonly caller: Caller | null;
  /** The end user's address; absent on the gateway's own operations (live updates). */
  readonly clientAddress?: string;
  readonly requestId: string;
  /**
   * Present on anonymous requests while the response cache is on: each subgraph fetch adds the tags naming what it
   * read (see response-cache/cache-tags.ts), under which the answer is stored.
   */
  readonly cacheTags?: Set<string>;
  /** The response-cache key already looked up (and missed) before Apollo ran the request; see ResponseCache.answerEarly. */
  readonly responseCacheKey?: string;
}
