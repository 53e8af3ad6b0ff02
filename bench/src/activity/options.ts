import { parseArgs } from 'node:util';
import { assertLoopbackUrl } from '../harness/child-stack';
import { topologies, type Topology } from '../harness/bench-options';

export interface ActivityBenchOptions {
  /** Orders per second placed all along, with and without events. */
  readonly checkoutRate: number;
  /** Event rates (events per second) of the rising phases, in order. */
  readonly steps: readonly number[];
  /** Measured seconds per phase. */
  readonly phaseSeconds: number;
  /** Unmeasured seconds of checkout and events before the first phase. */
  readonly warmupSeconds: number;
  /** trackEvents calls in flight at most; an arrival beyond is skipped and counted. */
  readonly maxBatchesInFlight: number;
  readonly topology: Topology;
  readonly basePort: number;
  /** MySQL server URL without a database, on this machine. */
  readonly databaseUrl: string;
}

export class UsageError extends Error {}

export const activityBenchUsage = `Usage: npm run bench:activity -- [options]

Places orders at a fixed rate while behaviour events go through the gateway's trackEvents at a rising rate, and
prints, per phase, the events accepted per second and their p99, checkout's throughput and latency beside the
phases without events (before and after), and how far liveVisitors and funnelStats trail the events.

  --checkout-rate <n>   orders per second, all along (default 20)
  --steps <list>        event rates per second of the rising phases (default 1000,2500,5000,7500,10000)
  --phase <s>           measured seconds per phase (default 15)
  --warmup <s>          unmeasured seconds of load first (default 10)
  --max-in-flight <n>   trackEvents calls in flight at most (default 64)
  --topology <t>        process-per-service (as deployed, default) or single-process
  --base-port <n>       the gateway's port; the services take the next six (default 4400)

RTC runs as a child process on 127.0.0.1 against DATABASE_URL (default mysql://root@127.0.0.1:3306), on databases
rtc_bench_activity_*, seeded on the first run.`;

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Null when help was asked for. */
export function parseActivityBenchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ActivityBenchOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        'checkout-rate': { type: 'string' },
        steps: { type: 'string' },
        phase: { type: 'string' },
        warmup: { type: 'string' },
        'max-in-flight': { type: 'string' },
        topology: { type: 'string' },
        'base-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;
  const steps = (values.steps ?? '1000,2500,5000,7500,10000').split(',').map((step) => wholeNumber('steps', step.trim(), 0, 1, 1_000_000));
  const phaseSeconds = wholeNumber('phase', values.phase, 15, 1, 3_600);
  // Sessions count as visitors for 5 minutes: the lag is read off the visitor count, which must only rise meanwhile.
  if (steps.length * phaseSeconds > 270) throw new UsageError('--steps x --phase: the phases with events must fit in 270 s (visitors expire after 5 minutes)');
  const topology = values.topology ?? 'process-per-service';
  if (!(topologies as readonly string[]).includes(topology)) throw new UsageError(`--topology takes ${topologies.join(' or ')}, got "${topology}"`);
  const databaseUrl = env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306';
  try {
    assertLoopbackUrl(databaseUrl, 'DATABASE_URL');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const server = new URL(databaseUrl);
  server.pathname = '/';
  return {
    checkoutRate: wholeNumber('checkout-rate', values['checkout-rate'], 20, 1, 10_000),
    steps,
    phaseSeconds,
    warmupSeconds: wholeNumber('warmup', values.warmup, 10, 0, 3_600),
    maxBatchesInFlight: wholeNumber('max-in-flight', values['max-in-flight'], 64, 1, 10_000),
    topology: topology as Topology,
    basePort: wholeNumber('base-port', values['base-port'], 4400, 1024, 65_500),
    databaseUrl: server.toString(),
  };
}
