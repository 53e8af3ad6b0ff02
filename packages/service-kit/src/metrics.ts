import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { mutationFailuresOf } from './mutation-payload';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One registry per service, so several services can share a process and still expose their own /metrics. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly graphqlRequests: Counter<'operation' | 'outcome'>;
  readonly graphqlDuration: Histogram<'operation'>;
  /** Expected business failures mutations answered as typed results (OUT_OF_STOCK, PAYMENT_DECLINED...). */
  readonly mutationFailures: Counter<'mutation' | 'code'>;
  readonly dbQueryDuration: Histogram;
  /** What /metrics serves, when not this registry alone: e.g. the sum over a cluster's worker processes. */
  readonly exposition?: () => Promise<string>;
}

export function createServiceMetrics(service: string, { defaults = true } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    graphqlRequests: new Counter({
      name: 'rtc_graphql_requests_total',
      help: 'GraphQL requests by operation name and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'rtc_graphql_request_duration_seconds',
      help: 'GraphQL request duration by operation name',
      labelNames: ['operation'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    mutationFailures: new Counter({
      name: 'rtc_mutation_failures_total',
      help: 'Expected business failures answered in mutation payloads, by mutation and code',
      labelNames: ['mutation', 'code'],
      registers: [registry],
    }),
    dbQueryDuration: new Histogram({
      name: 'rtc_db_query_duration_seconds',
      help: 'MySQL query duration',
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}

const maxOperationNames = 200;

export type RequestOutcome = 'success' | 'error';

/** Records one request's count and duration; see createRequestRecorder. */
export interface RequestRecorder {
  /** `startedNs` is `process.hrtime.bigint()` when the request began. */
  record(operationName: string | null | undefined, outcome: RequestOutcome, startedNs: bigint): void;
}

interface OperationSeries {
  readonly success: { inc(): void };
  readonly error: { inc(): void };
  readonly duration: { observe(seconds: number): void };
}

/**
 * The request metrics of `metrics`, recorded through label children taken once per operation, so that a request
 * builds no label objects of its own. Operation names come from clients, so the label set is capped:
 * past the cap new names are counted as "other".
 */
export function createRequestRecorder(metrics: ServiceMetrics): RequestRecorder {
  const series = new Map<string, OperationSeries>();
  const seriesOf = (name: string | null | undefined): OperationSeries => {
    const operation = name ?? 'anonymous';
    let found = series.get(operation);
    if (found) return found;
    if (series.size > maxOperationNames) return seriesOf('other');
    found = {
      success: metrics.graphqlRequests.labels({ operation, outcome: 'success' }),
      error: metrics.graphqlRequests.labels({ operation, outcome: 'error' }),
      duration: metrics.graphqlDuration.labels({ operation }),
    };
    series.set(operation, found);
    return found;
  };
  // "other" always has room, whatever the order names arrive in.
  series.set('other', {
    success: metrics.graphqlRequests.labels({ operation: 'other', outcome: 'success' }),
    error: metrics.graphqlRequests.labels({ operation: 'other', outcome: 'error' }),
    duration: metrics.graphqlDuration.labels({ operation: 'other' }),
  });
  return {
    record(operationName, outcome, startedNs) {
      const found = seriesOf(operationName);
      found[outcome].inc();
      found.duration.observe(Number(process.hrtime.bigint() - startedNs) / 1e9);
    },
  };
}

/** Records every GraphQL request that Apollo runs (see createRequestRecorder). */
export function createMetricsPlugin(metrics: ServiceMetrics, recorder: RequestRecorder = createRequestRecorder(metrics)): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(requestContext) {
          // A typed business failure still fails the request, as it did when it was a GraphQL error: noted by the
          // subgraph that raised it, or (at the gateway) seen in a mutation payload's errors.
          const failures = mutationFailuresOf(requestContext.contextValue);
          for (const { mutation, code } of failures) metrics.mutationFailures.inc({ mutation, code });
          const failed = Boolean(requestContext.errors?.length) || failures.length > 0 || answersTypedFailure(requestContext);
          recorder.record(requestContext.operationName ?? requestContext.request.operationName, failed ? 'error' : 'success', started);
        },
      };
    },
  };
}

/** A mutation answered with a payload whose `errors` list is not empty. */
function answersTypedFailure(requestContext: GraphQLRequestContextWillSendResponse<BaseContext>): boolean {
  const { body } = requestContext.response;
  if (requestContext.operation?.operation !== 'mutation' || body.kind !== 'single') return false;
  return Object.values(body.singleResult.data ?? {}).some((payload) => {
    const errors = (payload as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) && errors.length > 0;
  });
}

/**
 * One database read shared by the gauges of a scrape. A failed read leaves them at their last value rather than
 * failing /metrics, which Prometheus would take for the whole service being down.
 */
export function createScrapeReading<T>(read: () => Promise<T>, shareMs = 100): () => Promise<T | undefined> {
  let pending: Promise<T | undefined> | undefined;
  let last: T | undefined;
  return () => {
    pending ??= read()
      .then((value) => (last = value))
      .catch(() => last)
      .finally(() => setTimeout(() => (pending = undefined), shareMs).unref());
    return pending;
  };
}
