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

/**
 * Records every GraphQL request. Operation names come from clients, so the label set is capped:
 * past the cap new names are counted as "other".
 */
export function createMetricsPlugin(metrics: ServiceMetrics): ApolloServerPlugin {
  const seen = new Set<string>();
  const labelFor = (name: string | null | undefined): string => {
    const operation = name ?? 'anonymous';
    if (seen.has(operation)) return operation;
    if (seen.size >= maxOperationNames) return 'other';
    seen.add(operation);
    return operation;
  };
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(requestContext) {
          const operation = labelFor(requestContext.operationName ?? requestContext.request.operationName);
          // A typed business failure still fails the request, as it did when it was a GraphQL error: noted by the
          // subgraph that raised it, or (at the gateway) seen in a mutation payload's errors.
          const failures = mutationFailuresOf(requestContext.contextValue);
          for (const { mutation, code } of failures) metrics.mutationFailures.inc({ mutation, code });
          const failed = Boolean(requestContext.errors?.length) || failures.length > 0 || answersTypedFailure(requestContext);
          const outcome = failed ? 'error' : 'success';
          metrics.graphqlRequests.inc({ operation, outcome });
          metrics.graphqlDuration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
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
