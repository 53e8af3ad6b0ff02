import {
  createInProcessBus,
  createLogger,
  createMysqlPool,
  createServiceMetrics,
  InternalHeader,
  type BuiltService,
  type Role,
  type EventBus,
  type ServiceDeps,
  type ServiceMetrics,
} from '@rtc/service-kit';

export const testInternalToken = 'rtc-test-internal-token-0123456789';
export const testJwtSecret = 'rtc-test-jwt-secret-0123456789-abcdefghij';

export interface RunningService<S extends BuiltService> {
  readonly service: S;
  readonly url: string;
  readonly graphqlUrl: string;
  readonly metrics: ServiceMetrics;
  readonly bus: EventBus;
  stop(): Promise<void>;
}

/** Builds one service from its factory on a random port with its own pool and an in-process bus. */
export async function startService<S extends BuiltService>(
  name: string,
  databaseUrl: string,
  build: (deps: ServiceDeps) => Promise<S>,
  bus: EventBus = createInProcessBus(),
): Promise<RunningService<S>> {
  const logger = createLogger({ service: name, level: 'silent' });
  const metrics = createServiceMetrics(name, { defaults: false });
  const pool = createMysqlPool({ url: databaseUrl, metrics });
  const service = await build({ pool, bus, logger, metrics });
  const url = await service.http.listen(0, '127.0.0.1');
  return {
    service,
    url,
    graphqlUrl: `${url}/graphql`,
    metrics,
    bus,
    async stop() {
      await service.http.close();
      await service.relay?.stop();
      await service.stop?.();
      await pool.end();
    },
  };
}

/** How many SQL statements a service ran so far, from its own query histogram. */
export async function sqlQueryCount(metrics: ServiceMetrics): Promise<number> {
  const metric = await metrics.dbQueryDuration.get();
  return metric.values.find((value) => value.metricName === 'rtc_db_query_duration_seconds_count')?.value ?? 0;
}

/** Headers of an RTC service-to-service call: the internal token and no end user. */
export const asService: Record<string, string> = { [InternalHeader.Token]: testInternalToken };

/** Headers of a gateway call on behalf of a logged-in user. */
export function asUser(role: Role, userId = '1'): Record<string, string> {
  return { ...asService, [InternalHeader.UserId]: userId, [InternalHeader.UserRole]: role };
}
