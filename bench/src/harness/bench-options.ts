import { parseArgs } from 'node:util';
import { assertLoopbackUrl } from './child-stack';

export interface BenchOptions {
  /** Operations in flight at once, on each side. */
  readonly concurrency: number;
  /** Measured seconds per side per round. */
  readonly durationSeconds: number;
  readonly rounds: number;
  /** Unmeasured seconds per side before the first round, so JIT and pools are warm. */
  readonly warmupSeconds: number;
  /**
   * Unmeasured seconds of a side's load right before each of its rounds: a side that sat idle while the others ran
   * spends its first seconds back at a higher cost per operation, which the round would otherwise measure.
   */
  readonly rampSeconds: number;
  /** MySQL server URL without a database, on this machine. */
  readonly databaseUrl: string;
  /** Writes a CPU profile of each RTC child into this folder. */
  readonly profileDir: string | undefined;
  readonly topology: Topology;
  /** The first of RTC's loopback ports, when not the benchmark's own default. */
  readonly basePort: number | undefined;
  /** The prefix of the run's databases, when not the benchmark's own default. */
  readonly databasePrefix: string | undefined;
}

export const topologies = ['single-process', 'process-per-service'] as const;
export type Topology = (typeof topologies)[number];

export class UsageError extends Error {}

export type BenchDefaults = Pick<BenchOptions, 'concurrency' | 'durationSeconds' | 'rounds' | 'warmupSeconds' | 'topology'> & {
  readonly rampSeconds?: number;
};

function positiveInteger(name: string, raw: string | undefined, fallback: number, { allowZero = false } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || (value === 0 && !allowZero)) {
    throw new UsageError(`--${name} takes a whole number${allowZero ? '' : ' above 0'}, got "${raw}"`);
  }
  return value;
}

export function benchUsage(command: string, defaults: BenchDefaults): string {
  return `Usage: ${command} [--concurrency N] [--duration SECONDS] [--rounds N] [--warmup SECONDS] [--ramp SECONDS] [--profile DIR]

  --concurrency  operations in flight at once on each side (default ${defaults.concurrency})
  --duration     measured seconds per side per round (default ${defaults.durationSeconds})
  --rounds       rounds; figures are the median over rounds (default ${defaults.rounds})
  --warmup       unmeasured seconds per side before the first round (default ${defaults.warmupSeconds})
  --ramp         unmeasured seconds of each side's load right before each of its rounds (default ${defaults.rampSeconds ?? 0})
  --profile      write a CPU profile of RTC (.cpuprofile, open in Chrome DevTools) into DIR
  --topology     single-process (npm start's default) or process-per-service (as deployed; default ${defaults.topology})
  --base-port    RTC's first loopback port (the benchmark's own default when absent), so two runs can share a machine
  --database-prefix  the prefix of the run's databases, naming bench (e.g. rtc_bench_2_; the benchmark's own default when absent)

RTC runs as a child process on 127.0.0.1 against DATABASE_URL (default mysql://root@127.0.0.1:3306).`;
}

/** Null when help was asked for. */
export function parseBenchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, defaults: BenchDefaults): BenchOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        concurrency: { type: 'string' },
        duration: { type: 'string' },
        rounds: { type: 'string' },
        warmup: { type: 'string' },
        ramp: { type: 'string' },
        profile: { type: 'string' },
        topology: { type: 'string' },
        'base-port': { type: 'string' },
        'database-prefix': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.help) return null;
  const databaseUrl = env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306';
  try {
    assertLoopbackUrl(databaseUrl, 'DATABASE_URL');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const server = new URL(databaseUrl);
  server.pathname = '/';
  return {
    concurrency: positiveInteger('concurrency', parsed.concurrency, defaults.concurrency),
    durationSeconds: positiveInteger('duration', parsed.duration, defaults.durationSeconds),
    rounds: positiveInteger('rounds', parsed.rounds, defaults.rounds),
    warmupSeconds: positiveInteger('warmup', parsed.warmup, defaults.warmupSeconds, { allowZero: true }),
    rampSeconds: positiveInteger('ramp', parsed.ramp, defaults.rampSeconds ?? 0, { allowZero: true }),
    databaseUrl: server.toString(),
    profileDir: parsed.profile,
    topology: topologyOf(parsed.topology, defaults.topology),
    basePort: parsed['base-port'] === undefined ? undefined : positiveInteger('base-port', parsed['base-port'], 0),
    databasePrefix: databasePrefixOf(parsed['database-prefix']),
  };
}

function databasePrefixOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^rtc_[a-z0-9_]{1,24}$/.test(raw)) throw new UsageError(`--database-prefix takes rtc_ and up to 24 of a-z, 0-9 and _, got "${raw}"`);
  return raw;
}

function topologyOf(raw: string | undefined, fallback: Topology): Topology {
  if (raw === undefined) return fallback;
  if (!(topologies as readonly string[]).includes(raw)) throw new UsageError(`--topology takes ${topologies.join(' or ')}, got "${raw}"`);
  return raw as Topology;
}
