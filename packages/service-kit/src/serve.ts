import type { EventBus } from './bus';
import { createEventBus } from './bus';
import type { ServiceServer } from './http-server';
import { createLogger, type Logger } from './logger';
import { createServiceMetrics, type ServiceMetrics } from './metrics';
import { createMysqlPool, type Pool } from './mysql';
import type { OutboxRelay } from './outbox';
import { registerShutdown } from './shutdown';
import { startTracing, type Tracer } from './tracing';

export interface ServiceDeps {
  readonly pool: Pool;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** Present when tracing is on: the service's own tracer (several services may share a process). */
  readonly tracer?: Tracer | undefined;
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
  readonly build: (deps: ServiceDeps) => Promise<BuiltService>;
}

/** A subgraph's main(): wires its dependencies, listens, relays its outbox and closes everything on SIGTERM. */
export async function serveSubgraph({
  name,
  port,
  logLevel,
  databaseUrl,
  redisUrl,
  eventLogMaxLength,
  otlpEndpoint,
  traceServiceName,
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
    onShutdown: async () => {
      await service.http.close();
      await service.relay?.stop();
      await service.stop?.();
      await bus.close();
      await pool.end();
      await tracing?.shutdown();
    },
  });
}
