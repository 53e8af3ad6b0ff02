import type { EventBus } from './bus';
import { createEventBus } from './bus';
import type { ServiceServer } from './http-server';
import { createLogger, type Logger } from './logger';
import { createServiceMetrics, type ServiceMetrics } from './metrics';
import { createMysqlPool, type Pool } from './mysql';
import type { OutboxRelay } from './outbox';
import { registerShutdown } from './shutdown';

export interface ServiceDeps {
  readonly pool: Pool;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
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
  readonly build: (deps: ServiceDeps) => Promise<BuiltService>;
}

/** A subgraph's main(): wires its dependencies, listens, relays its outbox and closes everything on SIGTERM. */
export async function serveSubgraph({ name, port, logLevel, databaseUrl, redisUrl, build }: ServeOptions): Promise<void> {
  const logger = createLogger({ service: name, level: logLevel });
  const metrics = createServiceMetrics(name);
  const pool = createMysqlPool({ url: databaseUrl, metrics });
  const bus = createEventBus({ redisUrl, logger });
  const service = await build({ pool, bus, logger, metrics });
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
    },
  });
}
