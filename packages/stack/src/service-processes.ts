import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDatabase } from '@rtc/service-kit';
import type { SubgraphName } from '@rtc/gateway';
import { serverUrlAs } from './database-users';
import { developmentLimitsEnv } from './development-limits';
import { serviceNodeFlags } from './node-flags';
import type { ServiceName, StackOptions } from './stack';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

const entryPoints: Record<ServiceName, string> = {
  users: 'subgraphs/users/src/main.ts',
  catalog: 'subgraphs/catalog/src/main.ts',
  inventory: 'subgraphs/inventory/src/main.ts',
  orders: 'subgraphs/orders/src/main.ts',
  gateway: 'gateway/src/main.ts',
};

// Orders calls catalog and inventory; the gateway calls everyone.
const startOrder: readonly ServiceName[] = ['users', 'catalog', 'inventory', 'orders', 'gateway'];

export interface ServiceProcesses {
  readonly gatewayUrl: string;
  readonly urls: Record<ServiceName, string>;
  /** The running process of a service, e.g. to signal it. */
  processOf(name: ServiceName): ChildProcess;
  /** Starts a service again (after it exited) with the same environment, and waits until it is ready. */
  restart(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceProcessOptions extends StackOptions {
  readonly redisUrl: string;
  /** Extra environment per service, e.g. shorter intervals for a test. */
  readonly extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

async function waitUntilReady(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready at ${url} within a minute`);
}

/**
 * RTC as production runs it: one process per service, each from its own main.ts and environment, sharing a Redis
 * bus. Uses every core of the machine, where the single-process stack runs on one event loop.
 */
export async function startServiceProcesses(options: ServiceProcessOptions): Promise<ServiceProcesses> {
  const urls = Object.fromEntries(startOrder.map((name) => [name, `http://${options.host}:${options.ports[name]}`])) as Record<ServiceName, string>;
  const graphqlOf = (name: ServiceName) => `${urls[name]}/graphql`;
  const common = {
    NODE_ENV: 'development',
    LOG_LEVEL: options.logLevel,
    INTERNAL_TOKEN: options.internalToken,
    JWT_SECRET: options.jwtSecret,
    REDIS_URL: options.redisUrl,
    STORE_TIMEZONE: options.storeTimeZone,
    STORE_CURRENCY: options.storeCurrency,
    ...developmentLimitsEnv(),
    ...(options.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint } : {}),
  };
  const serverUrlOf = (name: SubgraphName) =>
    options.databaseAccounts ? serverUrlAs(options.serverUrl, options.databaseAccounts[name].service) : options.serverUrl;
  const databaseOf = (name: SubgraphName) => ({ DATABASE_URL: withDatabase(serverUrlOf(name), options.databases[name]) });
  const environments: Record<ServiceName, Record<string, string>> = {
    users: { ...databaseOf('users') },
    catalog: { ...databaseOf('catalog') },
    inventory: { ...databaseOf('inventory') },
    orders: { ...databaseOf('orders'), CATALOG_URL: graphqlOf('catalog'), INVENTORY_URL: graphqlOf('inventory') },
    gateway: {
      USERS_URL: graphqlOf('users'),
      CATALOG_URL: graphqlOf('catalog'),
      ORDERS_URL: graphqlOf('orders'),
      INVENTORY_URL: graphqlOf('inventory'),
      METRICS_ENABLED: String(options.gatewayMetrics ?? true),
      SUBGRAPH_MERGE_READS: String(options.mergeSubgraphReads ?? true),
    },
  };

  const children = new Map<ServiceName, ChildProcess>();
  const start = async (name: ServiceName) => {
    const child = spawn(process.execPath, [...serviceNodeFlags, '--import', 'tsx', entryPoints[name]], {
      cwd: repositoryRoot,
      env: { ...common, ...environments[name], PORT: String(options.ports[name]), OTEL_SERVICE_NAME: name, ...options.extraEnv?.[name] },
      stdio: 'inherit',
    });
    children.set(name, child);
    await waitUntilReady(urls[name], child, name);
  };
  const stop = async () => {
    await Promise.all(
      [...children.values()].reverse().map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (const name of startOrder) await start(name);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl: urls.gateway,
    urls,
    processOf: (name) => children.get(name)!,
    restart: start,
    stop,
  };
}
