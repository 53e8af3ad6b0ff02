import { sampleValue } from '../live/prometheus-text';
import type { StackService } from '../harness/child-stack';

/** What one service process reports on its /metrics (prom-client's default metrics and RTC's own). */
export interface ProcessSample {
  readonly rssBytes: number;
  /**
   * The old generation's heap in use: what a leak grows. The whole heap in use also holds up to the young generation's
   * 64 MB semi-spaces of short-lived garbage, which moved the per-minute floor by tens of MB with no trend.
   */
  readonly heapUsedBytes: number;
  /** Open file descriptors: the process's sockets (clients, database, Redis) and a few files. */
  readonly openFds: number;
  /** Outbox rows not yet published (0 for a service without an outbox). */
  readonly outboxPending: number;
  /** graphql-ws connections (the gateway's only). */
  readonly websockets: number;
  /** Sockets the gateway closed because their client stopped reading (1013), since it started. */
  readonly slowSubscriberDrops: number;
}

export type StackSample = Record<StackService, ProcessSample>;

export function processSampleOf(metricsText: string): ProcessSample {
  return {
    rssBytes: sampleValue(metricsText, 'process_resident_memory_bytes'),
    heapUsedBytes: sampleValue(metricsText, 'nodejs_heap_space_size_used_bytes', { space: 'old' }),
    openFds: sampleValue(metricsText, 'process_open_fds'),
    outboxPending: sampleValue(metricsText, 'rtc_outbox_pending_events'),
    websockets: sampleValue(metricsText, 'rtc_gateway_websocket_connections'),
    slowSubscriberDrops: sampleValue(metricsText, 'rtc_gateway_socket_drops_total', { reason: 'slow_reader' }),
  };
}

/** Scrapes every service's /metrics at once; a service that does not answer fails the sample (it is down). */
export async function sampleStack(urls: Record<StackService, string>): Promise<StackSample> {
  const entries = await Promise.all(
    (Object.entries(urls) as [StackService, string][]).map(async ([service, url]) => {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`);
      return [service, processSampleOf(await response.text())] as const;
    }),
  );
  return Object.fromEntries(entries) as StackSample;
}

export const outboxBacklog = (sample: StackSample) => Object.values(sample).reduce((sum, process) => sum + process.outboxPending, 0);
