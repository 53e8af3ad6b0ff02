import { randomUUID } from 'node:crypto';
import { createInProcessBus, inTransaction, newEventId, type EventBus } from '@rtc/service-kit';
import {
  asService,
  asUser,
  createTestDatabase,
  postGraphQL,
  queryRows,
  startService,
  testInternalToken,
  type GraphQLResult,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import type { BehaviourEventKind, OrderFactStatus } from './db/schema';
import { writeRows, type IngestRow } from './ingest/event-ingest';
import { activityMigrations } from './migrations';
import { createActivitySubgraph, type ActivityConfig } from './subgraph';

export type Headers = Record<string, string>;
export { asService, asUser };

export const asAnalyst = asUser('ANALYST', '1');

export interface TestActivity {
  readonly database: TestDatabase;
  readonly service: RunningService<Awaited<ReturnType<typeof createActivitySubgraph>>>;
  readonly bus: EventBus;
  call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, headers: Headers): Promise<GraphQLResult<T>>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Writes events through the ingest's own write path, bypassing validation: history older than a day. */
  seedEvents(events: readonly SeedEvent[]): Promise<void>;
  /** Publishes an order's OrderPlaced (and a status change when given) and waits until activity recorded them. */
  publishOrder(order: SeedOrder): Promise<void>;
  stop(): Promise<void>;
}

export interface SeedEvent {
  readonly sessionId: string;
  readonly kind: BehaviourEventKind;
  readonly occurredAt: Date;
  readonly userId?: number | null;
  readonly productId?: number | null;
  readonly quantity?: number | null;
  readonly cartAmount?: number | null;
}

export interface SeedOrder {
  readonly orderId: number;
  readonly userId: number;
  readonly placedAt: Date;
  readonly amount: number;
  readonly currency?: string;
  readonly status?: OrderFactStatus;
}

export const trackEventsMutation = `mutation Track($input: TrackEventsInput!) { trackEvents(input: $input) { accepted duplicates errors { code message field } } }`;

/** The activity subgraph on a fresh migrated database, listening on a random port, with an in-process bus. */
export async function startTestActivity(config: Partial<ActivityConfig> = {}): Promise<TestActivity> {
  const database = await createTestDatabase('activity', activityMigrations);
  const bus = createInProcessBus();
  const service = await startService(
    'activity',
    database.url,
    (deps) =>
      createActivitySubgraph(
        {
          production: false,
          internalToken: testInternalToken,
          storeTimeZone: 'UTC',
          storeCurrency: 'USD',
          retentionDays: 30,
          retentionIntervalMs: 0,
          flushEvents: 1_000,
          flushIntervalMs: 25,
          ...config,
        },
        deps,
      ),
    bus,
  );
  return {
    database,
    service,
    bus,
    call: (query, variables, headers) => postGraphQL(service.graphqlUrl, query, variables, { headers }),
    rows: (sql, params = []) => queryRows(database.url, sql, params),
    async seedEvents(events) {
      const rows: IngestRow[] = events.map((event) => ({
        eventId: randomUUID(),
        kind: event.kind,
        sessionId: event.sessionId,
        occurredAt: event.occurredAt,
        productId: event.productId ?? null,
        quantity: event.quantity ?? null,
        searchQuery: event.kind === 'SEARCHED' ? 'seeded search' : null,
        cartAmount: event.cartAmount ?? null,
        cartCurrency: event.cartAmount == null ? null : 'USD',
        path: null,
        userId: event.userId ?? null,
        receivedAt: new Date(),
      }));
      await inTransaction(service.service.pool, (runner) => writeRows(runner, rows));
    },
    async publishOrder({ orderId, userId, placedAt, amount, currency = 'USD', status }) {
      const payload = {
        orderId: String(orderId),
        userId: String(userId),
        total: { amount, currency },
        units: 1,
        placedAt: placedAt.toISOString(),
        lines: [],
      };
      const event = { aggregateType: 'Order', aggregateId: String(orderId), occurredAt: placedAt.toISOString() };
      await bus.publish({ ...event, id: newEventId(), type: 'OrderPlaced', payload });
      if (status && status !== 'PENDING') {
        await bus.publish({ ...event, id: newEventId(), type: 'OrderStatusChanged', payload: { ...payload, status, previousStatus: 'PENDING' } });
      }
      await service.service.orderFacts.settle();
    },
    async stop() {
      await service.stop();
      await database.drop();
    },
  };
}
