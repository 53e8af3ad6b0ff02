import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentLimitsEnv, serviceNodeFlags } from '@rtc/stack';
import { assertPortFree, startChildProcess, type RunningChild, type StackService } from './child-stack';

/** A gateway in a process of its own in front of subgraphs already running. */
export interface GatewayProcess extends RunningChild {
  readonly graphqlUrl: string;
}

export type SubgraphPorts = Omit<Record<StackService, number>, 'gateway'>;

// The development secrets every benchmark stack runs with (the child stack passes none, so its services default to them).
const internalToken = 'rtc-development-internal-token';
const jwtSecret = 'rtc-development-jwt-secret-change-me-0000';

const shellEnv = () => ({ PATH: process.env['PATH'], HOME: process.env['HOME'], TMPDIR: process.env['TMPDIR'] });
const nodeArgs = [...serviceNodeFlags, '--import', 'tsx'];
const subgraphUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;
const outputAs = (name: string) => (line: string) => process.stderr.write(`[${name}] ${line}\n`);

export interface RtcGatewayOptions {
  readonly name: string;
  readonly port: number;
  readonly subgraphs: SubgraphPorts;
  /** RESPONSE_CACHE; its evictions come from the event log on `redisUrl`. */
  readonly responseCache: boolean;
  /** The event log the subgraphs publish on, as deployed; rate-limit counters are kept there too. */
  readonly redisUrl: string;
}

/** RTC's gateway (`gateway/src/main.ts`) as deployed, but on the benchmark's development limits and secrets. */
export async function startRtcGateway(options: RtcGatewayOptions): Promise<GatewayProcess> {
  await assertPortFree(options.port);
  const child = await startChildProcess({
    name: options.name,
    nodeArgs,
    entry: 'gateway/src/main.ts',
    env: {
      ...shellEnv(),
      ...developmentLimitsEnv(),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(options.port),
      REDIS_URL: options.redisUrl,
      USERS_URL: subgraphUrl(options.subgraphs.users),
      CATALOG_URL: subgraphUrl(options.subgraphs.catalog),
      ORDERS_URL: subgraphUrl(options.subgraphs.orders),
      INVENTORY_URL: subgraphUrl(options.subgraphs.inventory),
      RESPONSE_CACHE: String(options.responseCache),
    },
    // Up, not ready: /readyz also waits for two good /healthz checks of every subgraph, each given a second, which a
    // loaded machine can miss for minutes; the benchmark checks every gateway's answers before it measures.
    readyUrl: `http://127.0.0.1:${options.port}/healthz`,
    readyTimeoutMs: 300_000,
    onOutput: outputAs(options.name),
  });
  return { ...child, graphqlUrl: subgraphUrl(options.port) };
}

/** RTC's committed supergraph with each subgraph's URL pointed at the running ones. */
export async function supergraphFor(subgraphs: SubgraphPorts): Promise<string> {
  let text = await readFile(new URL('../../../gateway/supergraph.graphql', import.meta.url), 'utf8');
  for (const [name, port] of Object.entries(subgraphs)) {
    const pattern = new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]+(")`);
    if (!pattern.test(text)) throw new Error(`the supergraph names no subgraph ${name}`);
    text = text.replace(pattern, `$1${subgraphUrl(port)}$2`);
  }
  return text;
}

/** Hive Gateway (bench/hive/hive-gateway-main.ts) on RTC's supergraph and the running subgraphs. */
export async function startHiveGateway({ port, subgraphs }: { port: number; subgraphs: SubgraphPorts }): Promise<GatewayProcess> {
  await assertPortFree(port);
  const folder = await mkdtemp(join(tmpdir(), 'rtc-bench-hive-'));
  const supergraphPath = join(folder, 'supergraph.graphql');
  await writeFile(supergraphPath, await supergraphFor(subgraphs));
  const child = await startChildProcess({
    name: 'Hive Gateway',
    nodeArgs,
    entry: 'bench/hive/hive-gateway-main.ts',
    env: {
      ...shellEnv(),
      NODE_ENV: 'production',
      PORT: String(port),
      HIVE_SUPERGRAPH_PATH: supergraphPath,
      INTERNAL_TOKEN: internalToken,
      JWT_SECRET: jwtSecret,
    },
    readyUrl: `http://127.0.0.1:${port}/readiness`,
    readyTimeoutMs: 300_000,
    onOutput: outputAs('hive'),
  }).catch(async (error: unknown) => {
    await rm(folder, { recursive: true, force: true });
    throw error;
  });
  return {
    ...child,
    graphqlUrl: subgraphUrl(port),
    async stop(graceMs) {
      const exit = await child.stop(graceMs);
      await rm(folder, { recursive: true, force: true });
      return exit;
    },
  };
}
