import type { EventBus } from './bus';
import { createEventBus } from './bus';
import type { ServiceServer } from './http-server';
import type { InternalEndpoints } from './internal-rpc';
import { createLogger, type Logger } from './logger';
import { createServiceMetrics, type ServiceMetrics } from './metrics';
import { createMysqlPool, type Pool } from './mysql';
import type { OutboxRelay } from './outbox';
import { drainHttp, registerShutdown } from './shutdown';
import { startTracing, type Tracer } from './tracing';

export interface ServiceDeps {
  readonly pool: Pool;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Present when tracing is on: the service's own tracer (several services may share a process). */
  readonly tracer?: Tracer | undefined;
  /** Services of this thread that call each other's procedures directly (see createInternalEndpoints). */
  readonly internalEndpoints?: InternalEndpoints | undefined;
}

export interface BuiltService {
  readonly http: ServiceServer;
  readonly relay?: OutboxRelay;
  readonly stop?: () => Promise<void>;
}

export interface ServeOptions {
  readonly name: string;
  readonly port: number;
  readonly logLevel: string;
  readonly databaseUrl: string;
  readonly redisUrl?: string | undefined;
  /** Approximate bound of the Redis event log the service appends to. */
  readonly eventLogMaxLength?: number | undefined;
  /** OTLP/HTTP endpoint of the trace collector; absent, tracing is off. */
  readonly otlpEndpoint?: string | undefined;
  /** The service's name in traces; `name` when absent. */
  readonly traceServiceName?: string | undefined;
  /** SHUTDOWN_GRACE_SECONDS and SHUTDOWN_DELAY_SECONDS; absent, 20 s and none. */
  readonly shutdown?: { readonly graceSeconds: number; readonly delaySeconds: number };
  readonly build: (deps: ServiceDeps) => Promise<BuiltService>;
}

/**
 * A subgraph's main(): wires its dependencies, listens and relays its outbox. On SIGTERM it goes unready, finishes
 * the requests in flight, lets the relay finish its batch, closes bus and pool and exits 0 within the grace period.
 */
export async function serveSubgraph({
  name,
  port,
  logLevel,
  databaseUrl,
  redisUrl,
  eventLogMaxLength,
  otlpEndpoint,
  traceServiceName,
  shutdown = { graceSeconds: 20, delaySeconds: 0 },
  build,
}: ServeOptions): Promise<void> {
  const logger = createLogger({ service: name, level: logLevel });
  const metrics = createServiceMetrics(name);
  const tracing = startTracing({ endpoint: otlpEndpoint, serviceName: traceServiceName ?? name, global: true });
  const tracer = tracing?.tracer;
  const pool = createMysqlPool({ url: databaseUrl, metrics, tracer });
  const bus = createEventBus({ redisUrl, logger, maxLength: eventLogMaxLength });
  const service = await build({ pool, bus, logger, metrics, tracer });
  const url = await service.http.listen(port);
  service.relay?.start();
  logger.info({ url: `${url}/graphql` }, `${name} subgraph listening`);
  registerShutdown({
    logger,
    graceMs: shutdown.graceSeconds * 1000,
    onShutdown: async ({ signal, deadline }) => {
      await drainHttp({ http: service.http, logger, signal, deadline, delayMs: shutdown.delaySeconds * 1000 });
      // Requests that committed outbox rows are done; the relay publishes what its current batch holds and stops.
      await service.relay?.stop();
      await service.stop?.();
      await bus.close();
      await pool.end();
      await tracing?.shutdown();
    },
  });
}
