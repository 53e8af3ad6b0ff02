import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { rtcDashboard } from './common';
import { chartHeight, layOut, statHeight } from './layout';
import { stat, timeseries } from './panels';

/**
 * X-Ray's trace search for one service's requests at least as slow as the clicked point, over the dashboard's range
 * (the cluster's OpenTelemetry collector sends every service's spans to X-Ray).
 */
export const slowTracesLink = {
  title: 'Traces in X-Ray at least this slow',
  url:
    'https://console.aws.amazon.com/xray/home#/traces?timeRange=${__from:date:iso}~${__to:date:iso}' +
    '&filter=service(%22${__field.labels.service}%22)%20AND%20responsetime%20%3E%3D%20${__value.raw}',
};

/** "RTC services": rate, errors and duration per service and subgraph, database, events, subscriptions. */
export function buildServicesDashboard(): Dashboard {
  return layOut(
    rtcDashboard('rtc-services', 'RTC services', 'The gateway, the four subgraphs, their databases, events and subscriptions.').time({
      from: 'now-1h',
      to: 'now',
    }),
    [
      {
        title: 'Overview',
        height: statHeight,
        panels: [
          stat({
            title: 'Services up',
            description: 'Targets Prometheus scraped successfully, per job.',
            unit: 'none',
            queries: [{ expr: 'sum by (job) (up)', legend: '{{job}}' }],
          }),
          stat({
            title: 'GraphQL requests per second',
            description: 'All services, over 5 minutes.',
            unit: 'reqps',
            queries: [{ expr: 'sum(rtc:graphql_requests:rate5m)', legend: 'requests/s' }],
          }),
          stat({
            title: 'GraphQL error ratio',
            description: 'Share of GraphQL operations answered with errors, all services, over 5 minutes.',
            unit: 'percentunit',
            queries: [
              {
                expr: 'sum(rtc:graphql_errors:rate5m or 0 * rtc:graphql_requests:rate5m) / sum(rtc:graphql_requests:rate5m)',
                legend: 'errors',
              },
            ],
          }),
          stat({
            title: 'Firing alerts',
            description: 'RTC alerts firing now.',
            unit: 'none',
            queries: [{ expr: 'count(ALERTS{alertstate="firing", alertname=~"Rtc.*"}) or vector(0)', legend: 'alerts' }],
          }),
        ],
      },
      {
        title: 'GraphQL by service',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'Request rate',
            description: 'GraphQL operations per second, per service.',
            unit: 'reqps',
            queries: [{ expr: 'rtc:graphql_requests:rate5m', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Error ratio',
            description: 'Share of GraphQL operations answered with errors, per service.',
            unit: 'percentunit',
            queries: [{ expr: 'rtc:graphql_error_ratio:rate5m', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Duration',
            description: 'GraphQL operation duration at p50 and p99, per service.',
            unit: 's',
            queries: [
              { expr: 'rtc:graphql_request_duration_seconds:p99_5m', legend: '{{service}} p99' },
              { expr: 'rtc:graphql_request_duration_seconds:p50_5m', legend: '{{service}} p50' },
            ],
            dataLinks: [slowTracesLink],
          }),
        ],
      },
      {
        title: 'Subgraphs, seen from the gateway',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'Fetch rate',
            description: 'Query-plan fetches per second from the gateway, per subgraph.',
            unit: 'reqps',
            queries: [{ expr: 'rtc:subgraph_fetches:rate5m', legend: '{{subgraph}}' }],
          }),
          timeseries({
            title: 'Fetch error ratio',
            description: 'Share of gateway fetches that failed, per subgraph.',
            unit: 'percentunit',
            queries: [{ expr: 'rtc:subgraph_fetch_error_ratio:rate5m', legend: '{{subgraph}}' }],
          }),
          timeseries({
            title: 'Fetch duration p99',
            description: 'Gateway-to-subgraph fetch duration at p99, per subgraph.',
            unit: 's',
            queries: [{ expr: 'rtc:subgraph_fetch_duration_seconds:p99_5m', legend: '{{subgraph}}' }],
          }),
        ],
      },
      {
        title: 'Database',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'Queries per second',
            description: 'MySQL queries per second, per service.',
            unit: 'qps',
            queries: [{ expr: 'rtc:db_queries:rate5m', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Query duration p99',
            description: 'MySQL query duration at p99, per service.',
            unit: 's',
            queries: [{ expr: 'rtc:db_query_duration_seconds:p99_5m', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Pool connections in use',
            description: 'MySQL connections checked out of the pool, per service.',
            unit: 'none',
            queries: [{ expr: 'sum by (service) (rtc_db_pool_connections_in_use)', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Waiting for a connection',
            description: 'Requests queued for a pool connection, per service; above zero for long means a saturated or unreachable database.',
            unit: 'none',
            queries: [{ expr: 'sum by (service) (rtc_db_pool_waiting_requests)', legend: '{{service}}' }],
          }),
        ],
      },
      {
        title: 'Events',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'Outbox pending events',
            description: 'Outbox rows not yet published to the bus, per service.',
            unit: 'none',
            queries: [{ expr: 'sum by (service) (rtc_outbox_pending_events)', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Event lag',
            description: 'Age of the oldest unpublished outbox row, per service.',
            unit: 's',
            queries: [{ expr: 'max by (service) (rtc_outbox_oldest_pending_age_seconds)', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Events delivered to subscribers',
            description: 'Subscription events the gateway pushed per second, per subscription field.',
            unit: 'ops',
            queries: [{ expr: 'rtc:gateway_events_delivered:rate5m', legend: '{{field}}' }],
          }),
        ],
      },
      {
        title: 'Subscriptions and processes',
        height: chartHeight,
        panels: [
          timeseries({
            title: 'WebSocket connections',
            description: 'Open graphql-ws connections at the gateway.',
            unit: 'none',
            queries: [{ expr: 'sum(rtc_gateway_websocket_connections)', legend: 'connections' }],
          }),
          timeseries({
            title: 'Active subscriptions',
            description: 'Active subscriptions at the gateway, per field.',
            unit: 'none',
            queries: [{ expr: 'sum by (field) (rtc_gateway_subscriptions)', legend: '{{field}}' }],
          }),
          timeseries({
            title: 'Event loop lag p99',
            description: 'Node.js event loop delay at p99, per service; high values delay every request of the process.',
            unit: 's',
            queries: [{ expr: 'max by (service) (nodejs_eventloop_lag_p99_seconds)', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'CPU and memory',
            description: 'CPU seconds per second and resident memory, per service.',
            unit: 'none',
            queries: [
              { expr: 'sum by (service) (rate(process_cpu_seconds_total[$__rate_interval]))', legend: '{{service}} cpu' },
              { expr: 'sum by (service) (process_resident_memory_bytes) / 2^20', legend: '{{service}} MiB' },
            ],
          }),
        ],
      },
    ],
  ).build();
}
