import type { ExecutionResult } from 'graphql';
import type { Caller, DomainEvent, Logger } from '@rtc/service-kit';
import type { FederatedResolver } from './live-hub';

export const funnelStatsField = 'funnelStats';

/** Everything FunnelStats has: each group then picks its own selection from it locally, as salesStats groups do. */
export const liveFunnelQuery = `query LiveFunnel($windowSeconds: Int!) {
  liveFunnel(windowSeconds: $windowSeconds) {
    at windowSeconds
    visitors { at activeSessions browsing withCart inCheckout purchased }
    steps { stage sessions conversionFromPrevious conversionFromStart }
  }
}`;

/** Events that change the funnel: behaviour written by activity, and orders (purchases). */
const funnelEvents: ReadonlySet<DomainEvent['type']> = new Set(['BehaviourRecorded', 'OrderPlaced', 'OrderStatusChanged']);

export interface FunnelFeedOptions {
  readonly resolve: FederatedResolver;
  /** The windows subscribed to now, each with a staff subscriber whose rights resolve it. */
  readonly windows: () => ReadonlyMap<number, Caller>;
  /** A window's new figures (the liveFunnel data), for every group following it. */
  readonly onStats: (windowSeconds: number, stats: Record<string, unknown>) => void;
  readonly logger: Logger;
  /** The shortest time between two refreshes of a window: events arriving faster are coalesced. */
  readonly minIntervalMs?: number;
  /** Refreshed this often without events too, as visitors leave the 5-minute window by themselves. */
  readonly idleRefreshMs?: number;
}

/**
 * Keeps funnelStats subscribers current: after funnel events, each subscribed window is read again through the
 * federated query at most once per `minIntervalMs`, whatever the event rate and however many groups follow it.
 */
export function createFunnelFeed({ resolve, windows, onStats, logger, minIntervalMs = 500, idleRefreshMs = 5_000 }: FunnelFeedOptions) {
  const lastRefresh = new Map<number, number>();
  const inFlight = new Set<number>();
  let dirty = false;

  const refresh = async (windowSeconds: number, caller: Caller) => {
    inFlight.add(windowSeconds);
    lastRefresh.set(windowSeconds, Date.now());
    try {
      const result: ExecutionResult = await resolve(caller, liveFunnelQuery, { windowSeconds });
      const stats = (result.data as { liveFunnel?: Record<string, unknown> } | null | undefined)?.liveFunnel;
      if (stats) onStats(windowSeconds, stats);
      else logger.debug({ errors: result.errors, windowSeconds }, 'live funnel could not be read; subscribers keep the last figures');
    } catch (error) {
      logger.debug({ err: error, windowSeconds }, 'live funnel could not be read; subscribers keep the last figures');
    } finally {
      inFlight.delete(windowSeconds);
    }
  };

  const tick = () => {
    const now = Date.now();
    const changed = dirty;
    dirty = false;
    const subscribed = windows();
    for (const windowSeconds of lastRefresh.keys()) if (!subscribed.has(windowSeconds)) lastRefresh.delete(windowSeconds);
    for (const [windowSeconds, caller] of subscribed) {
      if (inFlight.has(windowSeconds)) {
        // Read again once the current read ends: it may have started before the latest events were written.
        if (changed) dirty = true;
        continue;
      }
      const idle = now - (lastRefresh.get(windowSeconds) ?? 0) >= idleRefreshMs;
      if (changed || idle) void refresh(windowSeconds, caller);
    }
  };
  const timer = setInterval(tick, minIntervalMs);
  timer.unref();

  return {
    /** Notes an event from the log; funnel events make the next tick read every window again. */
    onEvent(event: Pick<DomainEvent, 'type'>) {
      if (funnelEvents.has(event.type)) dirty = true;
    },
    /** A new group follows `windowSeconds`: read it now rather than at the next event. */
    joined(windowSeconds: number, caller: Caller) {
      if (!inFlight.has(windowSeconds)) void refresh(windowSeconds, caller);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
