import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** One registry per service, so several services can share a process and still expose their own /metrics. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly graphqlRequests: Counter<'operation' | 'outcome'>;
  readonly graphqlDuration: Histogram<'operation'>;
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
          recorder.record(requestContext.operationName ?? requestContext.request.operationName, requestContext.errors?.length ? 'error' : 'success', started);
        },
      };
    },
  };
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
