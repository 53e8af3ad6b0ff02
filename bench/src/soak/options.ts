import { parseArgs } from 'node:util';
import { assertLoopbackUrl } from '../harness/child-stack';
import { parseDuration, UsageError } from '../simulation/options';

export { UsageError };

export interface SoakOptions {
  /** Seconds of traffic. */
  readonly durationSeconds: number;
  /** Seconds between two reports; memory is judged on the second and the last of them. */
  readonly intervalSeconds: number;
  readonly subscribers: number;
  /** Orders placed per second (open loop). */
  readonly checkoutRate: number;
  /** Storefront reads per second (open loop): product listing, product pages and a customer's orders. */
  readonly readRate: number;
  /** Share of placed orders paid shortly after; the rest stay unpaid until the sweeper cancels them. */
  readonly payShare: number;
  /** Seconds to wait after the traffic for the outbox backlog to return to zero. */
  readonly drainSeconds: number;
  readonly basePort: number;
  /** MySQL server URL without a database, on this machine. */
  readonly databaseUrl: string;
}

// Access tokens live 15 minutes (users' TOKEN_TTL_SECONDS); a socket whose token expires is closed with 4401.
const maxRunSeconds = 14 * 60;

export const soakUsage = `Usage: npm run bench:soak -- [--duration 10m] [options]

Mixed storefront traffic, checkout and live subscribers against RTC run as one process per service (over Redis),
with a report every interval and a judgement at the end (exit 1 when one fails).

  --duration        how long the traffic runs: 600, 90s, 10m (default 10m; with --drain at most 14m, as the
                    soak logs in once and access tokens last 15 minutes)
  --interval        time between reports (default 1m)
  --subscribers     graphql-ws subscribers on salesTicks (default 500)
  --checkout-rate   orders placed per second (default 5)
  --read-rate       storefront reads per second: listing, product pages, a customer's orders (default 30)
  --pay-share       share of orders paid (default 0.8)
  --drain           how long the outbox may take to empty once the traffic stopped (default 60s)
  --base-port       the gateway's port; the five subgraphs take the next five (default 4300)

RTC runs as child processes on 127.0.0.1 against DATABASE_URL (default mysql://root@127.0.0.1:3306), on a freshly
seeded store of its own (databases rtc_bench_soak_*), and a private redis-server started for the run (on the port
after the activity service's), so no other stack's events reach its subscribers.`;

function numberOf(
  name: string,
  text: string | undefined,
  fallback: number,
  { min, max, integer = false }: { min: number; max: number; integer?: boolean },
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${name}: "${text}" must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function durationOf(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError((error as Error).message.replace('--duration', `--${name}`));
  }
}

/** Reads the command line; a bad value throws a UsageError naming the option. Null means --help. */
export function parseSoakOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SoakOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        duration: { type: 'string' },
        interval: { type: 'string' },
        subscribers: { type: 'string' },
        'checkout-rate': { type: 'string' },
        'read-rate': { type: 'string' },
        'pay-share': { type: 'string' },
        drain: { type: 'string' },
        'base-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  const durationSeconds = durationOf('duration', values.duration, 600);
  const intervalSeconds = durationOf('interval', values.interval, 60);
  if (intervalSeconds > durationSeconds) throw new UsageError(`--interval (${intervalSeconds} s) is longer than --duration (${durationSeconds} s)`);
  const drainSeconds = durationOf('drain', values.drain, 60);
  if (durationSeconds + drainSeconds > maxRunSeconds) {
    throw new UsageError(
      `--duration and --drain together may take ${maxRunSeconds / 60} minutes: the soak logs in once, and the store's access tokens last 15 minutes`,
    );
  }
  const databaseUrl = env['DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306';
  try {
    assertLoopbackUrl(databaseUrl, 'DATABASE_URL');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const server = new URL(databaseUrl);
  server.pathname = '/';
  return {
    durationSeconds,
    intervalSeconds,
    subscribers: numberOf('subscribers', values.subscribers, 500, { min: 0, max: 100_000, integer: true }),
    checkoutRate: numberOf('checkout-rate', values['checkout-rate'], 5, { min: 0, max: 10_000 }),
    readRate: numberOf('read-rate', values['read-rate'], 30, { min: 0, max: 100_000 }),
    payShare: numberOf('pay-share', values['pay-share'], 0.8, { min: 0, max: 1 }),
    drainSeconds,
    basePort: numberOf('base-port', values['base-port'], 4300, { min: 1024, max: 65_529, integer: true }),
    databaseUrl: server.toString(),
  };
}
