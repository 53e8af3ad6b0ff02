import {
  createEventBus,
  createLogger,
  createInternalEndpoints,
  createMysqlPool,
  createServiceMetrics,
  startTracing,
  withDatabase,
  type BuiltService,
  type EventBus,
  type Logger,
  type ServiceDeps,
  type ServiceMetrics,
  type Tracer,
  type Tracing,
} from '@rtc/service-kit';
import { createGateway, defaultOperationLimits, subgraphNames, type ApiRateLimitsConfig, type Gateway, type SubgraphName } from '@rtc/gateway';
import type { AttemptLimitsConfig } from '@rtc/users';
import type { PricingConfig } from '@rtc/orders';
import { serverUrlAs, type DatabaseAccounts } from './database-users';
import { developmentApiRateLimits, rateLimitKeyPrefix } from './development-limits';
import { buildSubgraph } from './subgraph-factories';

export type ServiceName = SubgraphName | 'gateway';

// Orders calls catalog and inventory, so they listen first.
const startOrder: readonly SubgraphName[] = ['users', 'catalog', 'inventory', 'orders', 'activity'];

export interface StackOptions {
  /** MySQL server URL without a database; each subgraph gets its own database on it. */
  readonly serverUrl: string;
  readonly databases: Record<SubgraphName, string>;
  /** Each service connects as its own account when given, else as `serverUrl`'s user. */
  readonly databaseAccounts?: DatabaseAccounts | undefined;
  /** 0 picks a free port. */
  readonly ports: Record<ServiceName, number>;
  readonly host: string;
  readonly logLevel: string;
  readonly redisUrl?: string | undefined;
  /** Redis stream of the event log; separate stacks on one Redis keep apart by using their own. */
  readonly eventChannel?: string;
  readonly internalToken: string;
  readonly jwtSecret: string;
  readonly storeTimeZone: string;
  readonly storeCurrency: string;
  /** Gateway request metrics; off only to measure their cost. */
  readonly gatewayMetrics?: boolean;
  /** The gateway's merging of identical subgraph reads in flight; default on. */
  readonly mergeSubgraphReads?: boolean;
  /** The gateway's cache of anonymous public reads (RESPONSE_CACHE, with its default bounds); default off. */
  readonly responseCache?: boolean;
  /** Seconds a placed order waits for payment before its stock goes back. */
  readonly paymentTtlSeconds?: number;
  /** Orders' shipping rule and tax rates; absent, orders cost the sum of their lines. */
  readonly orderPricing?: PricingConfig;
  /** `safelist` runs only the trusted documents, as production does; open by default. */
  readonly trustedDocuments?: 'safelist' | 'open';
  /** Request, socket, log-in and sign-up limits; absent parts take the development limits (far above one machine's traffic). */
  readonly rateLimits?: { readonly api?: ApiRateLimitsConfig; readonly attempts?: AttemptLimitsConfig };
  /** OTLP/HTTP endpoint of a trace collector: each service exports its spans there under its own name. Absent: off. */
  readonly otlpEndpoint?: string | undefined;
  /** How long the gateway trusts an account's standing before reading it again (tests shorten it). */
  readonly accountRecheckMs?: number;
}

export interface RunningSubgraph {
  readonly service: BuiltService;
  readonly url: string;
  readonly metrics: ServiceMetrics;
}

export interface RunningStack {
  readonly gatewayUrl: string;
  readonly graphqlUrl: string;
  readonly subgraphs: Record<SubgraphName, RunningSubgraph>;
  readonly gateway: Gateway;
  readonly gatewayMetrics: ServiceMetrics;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Exports every span ended so far (when tracing is on). */
  flushTraces(): Promise<void>;
  stop(): Promise<void>;
}

/** One tracer provider per service, each exporting under the service's own name (when an endpoint is set). */
export interface StackTracing {
  tracerOf(name: ServiceName): Tracer | undefined;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createStackTracing(endpoint: string | undefined): StackTracing {
  const tracings: Tracing[] = [];
  return {
    tracerOf(name) {
      // The gateway's provider is the process's global one: Apollo Gateway traces its query plans on the global API.
      const tracing = startTracing({ endpoint, serviceName: name, global: name === 'gateway' });
      if (tracing) tracings.push(tracing);
      return tracing?.tracer;
    },
    async flush() {
      await Promise.all(tracings.map((tracing) => tracing.flush()));
    },
    async shutdown() {
      await Promise.all(tracings.map((tracing) => tracing.shutdown()));
    },
  };
}

export interface RunningSubgraphs {
  readonly subgraphs: Record<SubgraphName, RunningSubgraph>;
  stop(): Promise<void>;
}

/** The five subgraphs, each on its own pool and port, in the order their calls to one another need. */
export async function startSubgraphs(
  options: StackOptions,
  { bus, logger, tracing }: { bus: EventBus; logger: Logger; tracing: StackTracing },
): Promise<RunningSubgraphs> {
  const pools: ReturnType<typeof createMysqlPool>[] = [];
  const subgraphs = {} as Record<SubgraphName, RunningSubgraph>;
  // Subgraphs of one thread call each other's procedures (a checkout's reservation) without HTTP.
  const internalEndpoints = createInternalEndpoints();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
    await Promise.all(pools.map((pool) => pool.end()));
  };
  try {
    for (const name of startOrder) {
      const metrics = createServiceMetrics(name);
      const serverUrl = options.databaseAccounts ? serverUrlAs(options.serverUrl, options.databaseAccounts[name].service) : options.serverUrl;
      const tracer = tracing.tracerOf(name);
      const pool = createMysqlPool({ url: withDatabase(serverUrl, options.databases[name]), metrics, connectionLimit: 20, tracer });
      pools.push(pool);
      const deps: ServiceDeps = { pool, bus, logger: logger.child({ service: name }), metrics, tracer, internalEndpoints };
      const service = await buildSubgraph(name, options, subgraphs, deps);
      const url = await service.http.listen(options.ports[name], options.host);
      service.relay?.start();
      stops.push(async () => {
        await service.http.close();
        await service.relay?.stop();
        await service.stop?.();
      });
      subgraphs[name] = { service, url, metrics };
    }
    return { subgraphs, stop };
  } catch (error) {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    throw error;
  }
}

/** The gateway as the stack configures it, in front of subgraphs at `subgraphUrls` (each service's base URL). */
export async function startStackGateway(
  options: StackOptions,
  subgraphUrls: Record<SubgraphName, string>,
  { bus, logger, tracing }: { bus: EventBus; logger: Logger; tracing: StackTracing },
): Promise<{ gateway: Gateway; gatewayMetrics: ServiceMetrics; gatewayUrl: string }> {
  const gatewayMetrics = createServiceMetrics('gateway');
  const gateway = await createGateway(
    {
      production: false,
      internalToken: options.internalToken,
      jwtSecret: options.jwtSecret,
      subgraphUrls: Object.fromEntries(subgraphNames.map((name) => [name, `${subgraphUrls[name]}/graphql`])) as Record<SubgraphName, string>,
      limits: defaultOperationLimits,
      bodyLimitBytes: 1_000_000,
      storeCurrency: options.storeCurrency,
      metricsEnabled: options.gatewayMetrics ?? true,
      mergeSubgraphReads: options.mergeSubgraphReads ?? true,
      ...(options.responseCache
        ? { responseCache: { maxEntries: 10_000, maxTtlSeconds: 60, redisUrl: options.redisUrl, keyPrefix: `${options.eventChannel ?? 'rtc'}:responses` } }
        : {}),
      trustedDocuments: options.trustedDocuments ?? 'open',
      rateLimits: {
        ...(options.rateLimits?.api ?? developmentApiRateLimits),
        redisUrl: options.redisUrl,
        keyPrefix: rateLimitKeyPrefix(options, 'gateway'),
      },
      ...(options.accountRecheckMs ? { accountRecheckMs: options.accountRecheckMs } : {}),
    },
    { logger: logger.child({ service: 'gateway' }), metrics: gatewayMetrics, bus, tracer: tracing.tracerOf('gateway') },
  );
  try {
    const gatewayUrl = await gateway.http.listen(options.ports.gateway, options.host);
    return { gateway, gatewayMetrics, gatewayUrl };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}

/** Open sockets would keep the HTTP server from closing: they go first, with 1001. */
export async function stopStackGateway(gateway: Gateway): Promise<void> {
  await gateway.closeSockets();
  await gateway.http.close();
  await gateway.stop();
}

/**
 * The whole of RTC in one process: five subgraphs and the gateway, built by the same factories production uses,
 * sharing one event bus (in-process, or Redis when `redisUrl` is set).
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const logger = createLogger({ service: 'rtc', level: options.logLevel });
  const bus = createEventBus({ redisUrl: options.redisUrl, logger, stream: options.eventChannel });
  const tracing = createStackTracing(options.otlpEndpoint);
  let running: RunningSubgraphs | undefined;
  try {
    const subgraphs = await startSubgraphs(options, { bus, logger, tracing });
    running = subgraphs;
    const subgraphUrls = Object.fromEntries(subgraphNames.map((name) => [name, subgraphs.subgraphs[name].url])) as Record<SubgraphName, string>;
    const { gateway, gatewayMetrics, gatewayUrl } = await startStackGateway(options, subgraphUrls, { bus, logger, tracing });
    return {
      gatewayUrl,
      graphqlUrl: `${gatewayUrl}/graphql`,
      subgraphs: subgraphs.subgraphs,
      gateway,
      gatewayMetrics,
      bus,
      logger,
      flushTraces: () => tracing.flush(),
      async stop() {
        await stopStackGateway(gateway);
        await subgraphs.stop();
        await bus.close();
        await tracing.shutdown();
      },
    };
  } catch (error) {
    await running?.stop().catch(() => undefined);
    await bus.close();
    await tracing.shutdown();
    throw error;
  }
}
