import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
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
  activity: 'subgraphs/activity/src/main.ts',
  gateway: 'gateway/src/main.ts',
};

// Orders calls catalog and inventory; the gateway calls everyone.
const startOrder: readonly ServiceName[] = ['users', 'catalog', 'inventory', 'orders', 'activity', 'gateway'];

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One running service process, which a test may signal, kill, freeze and start again. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  /** The current process. */
  readonly child: ChildProcess;
  /** Whether the current process has exited. */
  readonly running: boolean;
  /** Sends a signal to the current process (SIGSTOP freezes it, SIGCONT thaws it). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the current process exits, with its code or signal. */
  exited(): Promise<ProcessExit>;
  /** SIGKILL, as a crashed node or an OOM kill would; resolves once it is gone. */
  kill(): Promise<ProcessExit>;
  /** Starts the service again from its main.ts with the same environment; resolves once `/readyz` answers 200. */
  restart(): Promise<void>;
  /** Resolves once the current process answers `/readyz` with 200; rejects when it exits first. */
  ready(): Promise<void>;
}

export interface ServiceProcesses {
  readonly gatewayUrl: string;
  readonly urls: Record<ServiceName, string>;
  readonly processes: Record<ServiceName, ServiceProcess>;
  /** Every gateway replica, the first being `processes.gateway`. */
  readonly gateways: readonly ServiceProcess[];
  /** The running process of a service, e.g. to signal it. */
  processOf(name: ServiceName): ChildProcess;
  /** Starts a service again (after it exited) with the same environment, and waits until it is ready. */
  restart(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceProcessOptions extends StackOptions {
  readonly redisUrl: string;
  /** Ports of further gateway replicas beside `ports.gateway`, all reading the same bus. */
  readonly gatewayReplicaPorts?: readonly number[];
  /** Extra environment per service, e.g. shorter intervals for a test. */
  readonly extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** `production` runs every service as deployed: masked errors, no stack traces, no introspection. */
  readonly nodeEnv?: 'development' | 'production';
  /** Appends each process's output to `<logDir>/<name>.log` instead of this process's stdout. */
  readonly logDir?: string;
  /** Each service process writes a V8 CPU profile (`<service>.<pid>.cpuprofile`) into this folder when it exits. */
  readonly cpuProfileDir?: string | undefined;
  /** Processes behind each gateway replica's port (GATEWAY_WORKERS); the gateway's own default when absent. */
  readonly gatewayWorkers?: number | 'auto' | undefined;
}

async function waitUntilReady(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
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

function exitOf(child: ChildProcess): Promise<ProcessExit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function cpuProfileFlags(name: string, folder: string | undefined): string[] {
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${folder}`, `--cpu-prof-name=${name}.\${pid}.cpuprofile`] : [];
}

function manageProcess(
  name: string,
  entryPoint: string,
  url: string,
  env: Record<string, string>,
  { logDir, cpuProfileDir }: Pick<ServiceProcessOptions, 'logDir' | 'cpuProfileDir'>,
): ServiceProcess {
  let child: ChildProcess;
  const launch = () => {
    const log = logDir ? openSync(join(logDir, `${name}.log`), 'a') : undefined;
    child = spawn(process.execPath, [...serviceNodeFlags, ...cpuProfileFlags(name, cpuProfileDir), '--import', 'tsx', entryPoint], {
      cwd: repositoryRoot,
      env,
      stdio: log === undefined ? 'inherit' : ['ignore', log, log],
    });
    if (log !== undefined) closeSync(log);
    return child;
  };
  launch();
  return {
    name,
    url,
    get child() {
      return child;
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    signal: (signal) => void child.kill(signal),
    exited: () => exitOf(child),
    async kill() {
      const exit = exitOf(child);
      child.kill('SIGKILL');
      return exit;
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) throw new Error(`${name} is still running; kill or stop it first`);
      await waitUntilReady(url, launch(), name);
    },
    ready: () => waitUntilReady(url, child, name),
  };
}

async function stopProcess(service: ServiceProcess): Promise<void> {
  if (!service.running) return;
  const exit = service.exited();
  // A frozen process handles SIGTERM only once thawed.
  service.signal('SIGCONT');
  service.signal('SIGTERM');
  const timer = setTimeout(() => service.running && service.signal('SIGKILL'), 20_000);
  await exit;
  clearTimeout(timer);
}

/**
 * RTC as production runs it: one process per service, each from its own main.ts and environment, sharing a Redis
 * bus. Uses every core of the machine, where the single-process stack runs on one event loop.
 */
export async function startServiceProcesses(options: ServiceProcessOptions): Promise<ServiceProcesses> {
  const urls = Object.fromEntries(startOrder.map((name) => [name, `http://${options.host}:${options.ports[name]}`])) as Record<ServiceName, string>;
  const graphqlOf = (name: ServiceName) => `${urls[name]}/graphql`;
  const common = {
    NODE_ENV: options.nodeEnv ?? 'development',
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
    catalog: { ...databaseOf('catalog'), ORDERS_URL: graphqlOf('orders') },
    inventory: { ...databaseOf('inventory') },
    orders: { ...databaseOf('orders'), CATALOG_URL: graphqlOf('catalog'), INVENTORY_URL: graphqlOf('inventory') },
    activity: { ...databaseOf('activity') },
    gateway: {
      USERS_URL: graphqlOf('users'),
      CATALOG_URL: graphqlOf('catalog'),
      ORDERS_URL: graphqlOf('orders'),
      INVENTORY_URL: graphqlOf('inventory'),
      ACTIVITY_URL: graphqlOf('activity'),
      METRICS_ENABLED: String(options.gatewayMetrics ?? true),
      SUBGRAPH_MERGE_READS: String(options.mergeSubgraphReads ?? true),
      RESPONSE_CACHE: String(options.responseCache ?? false),
      ...(options.gatewayWorkers !== undefined ? { GATEWAY_WORKERS: String(options.gatewayWorkers) } : {}),
    },
  };
  const environmentOf = (name: ServiceName, port: number, serviceName: string) => ({
    ...common,
    ...environments[name],
    ...options.extraEnv?.[name],
    PORT: String(port),
    OTEL_SERVICE_NAME: serviceName,
  });

  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.toReversed().map(stopProcess));
  };
  const processes = {} as Record<ServiceName, ServiceProcess>;
  const gateways: ServiceProcess[] = [];
  try {
    for (const name of startOrder) {
      const replicas = name === 'gateway' ? [options.ports.gateway, ...(options.gatewayReplicaPorts ?? [])] : [options.ports[name]];
      const starting = replicas.map((port, index) => {
        const processName = index === 0 ? name : `${name}-${index + 1}`;
        const url = `http://${options.host}:${port}`;
        const service = manageProcess(processName, entryPoints[name], url, environmentOf(name, port, name), options);
        started.push(service);
        if (name === 'gateway') gateways.push(service);
        return service;
      });
      processes[name] = starting[0]!;
      await Promise.all(starting.map((service) => service.ready()));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl: urls.gateway,
    urls,
    processes,
    gateways,
    processOf: (name) => processes[name].child,
    restart: (name) => processes[name].restart(),
    stop,
  };
}
