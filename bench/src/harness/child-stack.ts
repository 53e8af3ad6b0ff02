import { spawn } from 'node:child_process';
import { serviceNodeFlags } from '@rtc/stack/node-flags';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = 'packages/stack/src/start.ts';
const signalGuard = fileURLToPath(new URL('./signal-guard.ts', import.meta.url));

export type StackService = 'gateway' | 'users' | 'catalog' | 'orders' | 'inventory' | 'activity';

/** gateway on the base port, then users, catalog, orders, inventory, activity on the next five. */
export function stackPorts(basePort: number): Record<StackService, number> {
  return { gateway: basePort, users: basePort + 1, catalog: basePort + 2, orders: basePort + 3, inventory: basePort + 4, activity: basePort + 5 };
}

export interface ChildStackOptions {
  /** MySQL server URL without a database; must be on this machine. */
  readonly databaseUrl: string;
  readonly databasePrefix: string;
  readonly ports: Record<StackService, number>;
  readonly metricsEnabled?: boolean;
  /** The gateway's merging of identical subgraph reads in flight (SUBGRAPH_MERGE_READS); default on. */
  readonly mergeSubgraphReads?: boolean;
  /** The gateway's cache of anonymous public reads (RESPONSE_CACHE); default off. */
  readonly responseCache?: boolean;
  /** One process for all services, or one per service over a Redis bus as in production. */
  readonly topology?: 'single-process' | 'process-per-service';
  /** The single process's subgraphs in a worker thread beside the gateway (RTC_SUBGRAPH_THREAD); default on, as npm start. */
  readonly subgraphThread?: boolean;
  /** The process-per-service topology's Redis; the machine's own (redis://127.0.0.1:6379) when absent. */
  readonly redisUrl?: string;
  /** Gateway processes behind its port in the process-per-service topology (GATEWAY_WORKERS). */
  readonly gatewayWorkers?: number | 'auto';
  readonly logLevel?: string;
  /** `auto` seeds an empty store, `never` leaves it empty. */
  readonly seed?: 'auto' | 'never';
  /** Writes V8 CPU profiles (.cpuprofile) into this folder on exit: the child's, or each service process's. */
  readonly cpuProfileDir?: string;
  readonly readyTimeoutMs?: number;
  /** Where the child's output lines go; they are also kept for the error when it fails to start. */
  readonly onOutput?: (line: string) => void;
}

export interface ChildStack {
  readonly pid: number;
  readonly gatewayUrl: string;
  readonly graphqlUrl: string;
  /** Resolves with the exit code (or the signal's name) once the child ended, however it ended. */
  readonly exited: Promise<number | string>;
  /** CPU ms the child has used so far (user + system), or undefined where /proc cannot tell (not Linux, or ended). */
  cpuMs(): number | undefined;
  /** SIGTERM, then SIGKILL if it has not ended within the grace period. */
  stop(graceMs?: number): Promise<number | string>;
}

export class StackStartError extends Error {}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Benchmarks only ever load this machine; anything else is a mistake worth stopping for. */
export function assertLoopbackUrl(url: string, what: string): void {
  const { hostname } = new URL(url);
  if (!loopbackHosts.has(hostname)) throw new StackStartError(`${what} must point at this machine (127.0.0.1), got ${hostname}`);
}

// Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common architecture.
const msPerTick = 10;

/** user + system CPU of a process and of its live descendants (a stack of one process per service), in ms. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis start with field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let total = (Number(fields[11]) + Number(fields[12])) * msPerTick;
    for (const child of childrenOf(pid)) total += processCpuMs(child) ?? 0;
    return total;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  } catch (error) {
    throw new StackStartError(`port ${port} on 127.0.0.1 is taken (${(error as NodeJS.ErrnoException).code}); stop what listens there first`);
  } finally {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  }
}

async function answersReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Runs RTC (`npm start`'s launcher) as a child process, so a load generator in this process never shares an
 * event loop with the servers it measures. Resolves once the gateway's /readyz answers 200.
 */
export async function startChildStack(options: ChildStackOptions): Promise<ChildStack> {
  assertLoopbackUrl(options.databaseUrl, 'DATABASE_URL');
  for (const port of Object.values(options.ports)) await assertPortFree(port);

  const env: NodeJS.ProcessEnv = {
    // Only what node needs from this shell: nothing else (REDIS_URL, secrets) leaks into the measured stack.
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    TMPDIR: process.env['TMPDIR'],
    DATABASE_URL: options.databaseUrl,
    RTC_DATABASE_PREFIX: options.databasePrefix,
    RTC_SEED: options.seed ?? 'auto',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'warn',
    METRICS_ENABLED: String(options.metricsEnabled ?? true),
    SUBGRAPH_MERGE_READS: String(options.mergeSubgraphReads ?? true),
    RESPONSE_CACHE: String(options.responseCache ?? false),
    RTC_TOPOLOGY: options.topology ?? 'single-process',
    RTC_SUBGRAPH_THREAD: String(options.subgraphThread ?? true),
    // Benchmarks measure throughput, not grants: the services share DATABASE_URL's user and no account outlives the run.
    RTC_DATABASE_USERS: 'shared',
    // Only the process-per-service topology meets on Redis; one process keeps its bus in memory, as npm start does.
    ...(options.topology === 'process-per-service' ? { REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379' } : {}),
    ...(options.gatewayWorkers !== undefined ? { GATEWAY_WORKERS: String(options.gatewayWorkers) } : {}),
    // One process per service: each service profiles itself, and the launcher, idle, is left out.
    ...(options.cpuProfileDir && options.topology === 'process-per-service' ? { RTC_CPU_PROFILE_DIR: options.cpuProfileDir } : {}),
    GATEWAY_PORT: String(options.ports.gateway),
    USERS_PORT: String(options.ports.users),
    CATALOG_PORT: String(options.ports.catalog),
    ORDERS_PORT: String(options.ports.orders),
    INVENTORY_PORT: String(options.ports.inventory),
    ACTIVITY_PORT: String(options.ports.activity),
  };
  // node writes a profile only when the process exits, not when a signal kills it: see signal-guard.ts.
  const profilesLauncher = options.cpuProfileDir !== undefined && options.topology !== 'process-per-service';
  const nodeArgs = [
    ...serviceNodeFlags,
    ...(profilesLauncher ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, '--import', 'tsx', '--import', signalGuard] : ['--import', 'tsx']),
  ];
  const child = await startChildProcess({
    name: 'RTC',
    nodeArgs,
    entry: launcher,
    env,
    readyUrl: `http://127.0.0.1:${options.ports.gateway}/readyz`,
    readyTimeoutMs: options.readyTimeoutMs ?? 300_000,
    onOutput: options.onOutput ?? ((line: string) => process.stderr.write(`[rtc] ${line}\n`)),
  });
  const gatewayUrl = `http://127.0.0.1:${options.ports.gateway}`;
  return { ...child, gatewayUrl, graphqlUrl: `${gatewayUrl}/graphql` };
}

export interface ChildProcessOptions {
  /** How errors name it, e.g. `RTC` or `Hive Gateway`. */
  readonly name: string;
  readonly nodeArgs: readonly string[];
  /** A script path relative to the repository root. */
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
  /** Ready once a GET of it answers 200. */
  readonly readyUrl: string;
  readonly readyTimeoutMs: number;
  readonly onOutput: (line: string) => void;
}

export interface RunningChild {
  readonly pid: number;
  readonly exited: Promise<number | string>;
  cpuMs(): number | undefined;
  stop(graceMs?: number): Promise<number | string>;
}

/** Spawns a node script of the repository and resolves once `readyUrl` answers 200; killed with this process. */
export async function startChildProcess(options: ChildProcessOptions): Promise<RunningChild> {
  const child = spawn(process.execPath, [...options.nodeArgs, options.entry], {
    cwd: repositoryRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.onOutput(line);
    });
  }

  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  });
  let ended = false;
  void exited.then(() => (ended = true));
  // Never leave a child running behind a crashed benchmark.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (graceMs = 15_000): Promise<number | string> => {
    if (!ended) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    process.removeListener('exit', killOnExit);
    return exited;
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (ended) {
      const code = await exited;
      process.removeListener('exit', killOnExit);
      throw new StackStartError(`${options.name} exited (${code}) before it was ready:\n${recent.join('\n')}`);
    }
    if (await answersReady(options.readyUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new StackStartError(`${options.name} was not ready within ${options.readyTimeoutMs} ms:\n${recent.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const pid = child.pid!;
  return { pid, exited, cpuMs: () => (ended ? undefined : processCpuMs(pid)), stop };
}
