import type { ExecutionResult } from 'graphql';
import type { Caller } from '@rtc/service-kit';
import type { FederatedResolver } from './live-hub';
import { mergeEntityQueries, type EntityQueryRequest } from './merged-entity-query';

export interface EntityQueryBatches {
  /**
   * The result of `request` as `caller` would get it alone, resolved in one gateway query with the other requests of
   * callers of the same `scope` made in the same turn of the event loop (every group's update of one event, and of
   * the events that arrived together).
   */
  resolve(scope: string, caller: Caller, request: EntityQueryRequest): Promise<ExecutionResult>;
}

export interface EntityQueryBatchesOptions {
  readonly run: FederatedResolver;
  /** At most this many requests share a query: the operation limits (aliases, root fields, cost) bound every query. */
  readonly maxRequestsPerQuery?: number;
  /** Called once per gateway query run. */
  readonly onQuery?: () => void;
}

interface Waiting {
  readonly request: EntityQueryRequest;
  readonly settle: { resolve: (result: ExecutionResult) => void; reject: (error: unknown) => void }[];
}

/** Codes of a query refused as a whole, before it ran: too large a merge, which its requests pass alone. */
const refusedCodes = new Set(['QUERY_TOO_COMPLEX', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);
const refusedAsAWhole = (result: ExecutionResult) =>
  !result.data && (result.errors ?? []).some((error) => refusedCodes.has(String(error.extensions?.['code'])));
/** Merged queries the gateway refused are remembered (up to this many) and their requests sent apart from then on. */
const refusedQueriesKept = 1_000;

/**
 * Merges the entity queries of live updates per scope and turn. Each group resolved its own update of each event
 * through its own query plan: the same order read by every group, and its products, stock and customer fetched once
 * per group and event. Merged, one plan per turn fetches each subgraph once for all of them.
 */
export function createEntityQueryBatches({ run, maxRequestsPerQuery = 8, onQuery }: EntityQueryBatchesOptions): EntityQueryBatches {
  let pending = new Map<string, { caller: Caller; requests: Map<string, Waiting> }>();
  let scheduled = false;
  const refused = new Set<string>();

  const runAlone = async (caller: Caller, waiting: Waiting) => {
    onQuery?.();
    try {
      const result = await run(caller, waiting.request.query, waiting.request.variables);
      for (const { resolve } of waiting.settle) resolve(result);
    } catch (error) {
      for (const { reject } of waiting.settle) reject(error);
    }
  };

  const runMerged = async (caller: Caller, batch: readonly Waiting[]) => {
    const merged = mergeEntityQueries(batch.map((waiting) => waiting.request));
    if (refused.has(merged.query)) return void (await Promise.all(batch.map((waiting) => runAlone(caller, waiting))));
    onQuery?.();
    let result: ExecutionResult;
    try {
      result = await run(caller, merged.query, merged.variables);
    } catch (error) {
      for (const waiting of batch) for (const { reject } of waiting.settle) reject(error);
      return;
    }
    if (refusedAsAWhole(result)) {
      if (refused.size >= refusedQueriesKept) refused.clear();
      refused.add(merged.query);
      await Promise.all(batch.map((waiting) => runAlone(caller, waiting)));
      return;
    }
    merged.split(result).forEach((own, index) => {
      for (const { resolve } of batch[index]!.settle) resolve(own);
    });
  };

  const flush = () => {
    scheduled = false;
    const batches = pending;
    pending = new Map();
    for (const { caller, requests } of batches.values()) {
      // Grouped by query (in request order within each), a turn's merge takes one of few shapes: the gateway parses,
      // validates and plans each shape once.
      const waiting = [...requests.values()].sort((a, b) => (a.request.query < b.request.query ? -1 : a.request.query > b.request.query ? 1 : 0));
      for (let start = 0; start < waiting.length; start += maxRequestsPerQuery) {
        const batch = waiting.slice(start, start + maxRequestsPerQuery);
        void (batch.length === 1 ? runAlone(caller, batch[0]!) : runMerged(caller, batch));
      }
    }
  };

  return {
    resolve(scope, caller, request) {
      return new Promise((resolve, reject) => {
        let batch = pending.get(scope);
        if (!batch) pending.set(scope, (batch = { caller, requests: new Map() }));
        // Two groups asking the same of the same entity (one selection, coalescing or not) share one request.
        const key = `${request.query}\n${JSON.stringify(request.variables)}`;
        const same = batch.requests.get(key);
        if (same) same.settle.push({ resolve, reject });
        else batch.requests.set(key, { request, settle: [{ resolve, reject }] });
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(flush);
        }
      });
    },
  };
}
