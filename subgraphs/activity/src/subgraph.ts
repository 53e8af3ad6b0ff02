import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphServer, type ServiceDeps } from '@rtc/service-kit';
import { createActivityAnalytics } from './analytics/activity-analytics';
import type { ActivityContext } from './context';
import { createEventIngest } from './ingest/event-ingest';
import { createEventTracker } from './ingest/event-tracker';
import { registerActivityGauges } from './live/activity-gauges';
import { createLiveActivity } from './live/live-activity';
import { startOrderFactsConsumer } from './orders/order-facts';
import { resolvers } from './resolvers';
import { createRetentionJob } from './retention/retention-job';

export const activityTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface ActivityConfig {
  readonly production: boolean;
  readonly internalToken: string;
  /** Days begin at midnight here (daily order figures, cohort weeks). */
  readonly storeTimeZone: string;
  /** The currency abandoned cart values and order figures are summed in. */
  readonly storeCurrency: string;
  /** Raw events older than this many days are deleted. */
  readonly retentionDays: number;
  /** How often the retention job runs; 0 never. */
  readonly retentionIntervalMs: number;
  /** The ingest buffer writes at this many events… */
  readonly flushEvents: number;
  /** …or this long after the first one waiting. */
  readonly flushIntervalMs: number;
}

/**
 * Builds the activity subgraph without listening. Its ingest buffer, its consumer of order events and its
 * retention job run until `stop`, which writes what the buffer still holds.
 */
export async function createActivitySubgraph(config: ActivityConfig, deps: ServiceDeps) {
  const { pool, bus, logger, metrics } = deps;
  const ingest = createEventIngest({
    pool,
    bus,
    logger: logger.child({ component: 'activity-ingest' }),
    metrics,
    flushEvents: config.flushEvents,
    flushIntervalMs: config.flushIntervalMs,
  });
  const tracker = createEventTracker(ingest, ingest.counters);
  const live = createLiveActivity(pool);
  const analytics = createActivityAnalytics({ pool, timeZone: config.storeTimeZone, currency: config.storeCurrency });
  registerActivityGauges({ pool, live, metrics, timeZone: config.storeTimeZone, currency: config.storeCurrency });
  const orderFacts = startOrderFactsConsumer({ pool, bus, logger: logger.child({ component: 'order-facts' }) });
  const retention = createRetentionJob({
    pool,
    logger: logger.child({ component: 'activity-retention' }),
    retentionDays: config.retentionDays,
    intervalMs: config.retentionIntervalMs,
  });
  const server = await createSubgraphServer<ActivityContext>({
    name: 'activity',
    typeDefs: activityTypeDefs,
    resolvers,
    config,
    deps,
    createContext: (base) => ({ ...base, tracker, live, analytics }),
  });
  retention.start();
  return {
    ...server,
    pool,
    ingest,
    orderFacts,
    retention,
    async stop() {
      await ingest.stop();
      await orderFacts.stop();
      await retention.stop();
    },
  };
}
