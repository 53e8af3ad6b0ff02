import { parseArgs } from 'node:util';
import { defaultBrowsingShape, type BrowsingShape } from './browsing-session';

export interface SimulationOptions {
  /** Orders per second, on average (arrivals are random, as real ones are). */
  readonly rate: number;
  /** Seconds to run; null runs until interrupted. */
  readonly durationSeconds: number | null;
  /** The gateway's base URL; every request goes to its /graphql and nowhere else. */
  readonly gatewayUrl: URL;
  /** Customers customer1..customerN of the seed to shop as. */
  readonly customers: number;
  readonly customerPassword: string;
  readonly adminEmail: string;
  readonly adminPassword: string;
  /** At most this many products are read from the catalog and sold. */
  readonly products: number;
  /** Share of placed orders that get paid, and of orders that get cancelled (paid or not). */
  readonly payRate: number;
  readonly cancelRate: number;
  /** Share of payments made with a card the payment provider declines. */
  readonly declineRate: number;
  /** Orders in flight at most; beyond it arrivals are skipped and counted, so a slow gateway is not buried. */
  readonly maxInFlight: number;
  readonly seed: number;
  /** How shoppers browse before they buy; null places orders without browsing sessions (no behaviour events). */
  readonly browsing: BrowsingShape | null;
}

export class UsageError extends Error {}

export const usage = `Places realistic orders through the RTC gateway so the dashboard moves. Every order ends a
browsing session (behaviour events sent with trackEvents in batches); most sessions view a few products and
leave, some add to cart, fewer check out, so sessions start at about rate / (share that buys) per second.

  npm run simulate -- [options]

  --rate <n>              orders per second on average (default 5)
  --duration <t>          how long to run: 90, 90s, 5m, 1h (default: until Ctrl-C)
  --gateway <url>         the gateway (default http://127.0.0.1:4000)
  --allow-remote          allow a gateway that is not on this machine
  --customers <n>         shop as customer1..customerN@example.com (default 200)
  --products <n>          read at most n products from the catalog (default 500)
  --pay-rate <p>          share of orders paid (default 0.8)
  --cancel-rate <p>       share of orders cancelled (default 0.05)
  --decline-rate <p>      share of payments declined by the card (default 0.02)
  --max-in-flight <n>     orders in flight at most (default 4 x rate, at least 16)
  --seed <n>              repeat a run's choices (default: random)
  --think <t>             mean pause between a shopper's steps, in seconds (default 3)
  --view-rate <p>         share of sessions that view a product (default 0.7)
  --cart-rate <p>         share of viewing sessions that add to cart (default 0.22)
  --checkout-rate <p>     share of carts that start checkout (default 0.55)
  --purchase-rate <p>     share of checkouts that end in an order (default 0.65)
  --no-browsing           place orders only, without sessions or behaviour events
  --customer-password, --admin-email, --admin-password   accounts of the seeded store
`;

/** Seconds from "90", "90s", "5m" or "1h". */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--duration: "${text}" is not a duration such as 90, 90s, 5m or 1h`);
  const seconds = Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[(match[2] ?? 's') as 's' | 'm' | 'h'];
  if (!(seconds > 0)) throw new UsageError('--duration: must be more than zero');
  return seconds;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(url: URL): boolean {
  return loopbackHosts.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

function numberOption(
  name: string,
  text: string | undefined,
  fallback: number,
  { min, max, integer = false }: { min: number; max: number; integer?: boolean },
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`--${name}: "${text}" must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

/** Reads the command line; a bad value throws a UsageError naming the option. Null means --help. */
export function parseSimulationOptions(argv: readonly string[], randomSeed: () => number = () => Date.now() % 2 ** 31): SimulationOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        rate: { type: 'string' },
        duration: { type: 'string' },
        gateway: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        customers: { type: 'string' },
        products: { type: 'string' },
        'pay-rate': { type: 'string' },
        'cancel-rate': { type: 'string' },
        'decline-rate': { type: 'string' },
        'max-in-flight': { type: 'string' },
        seed: { type: 'string' },
        think: { type: 'string' },
        'view-rate': { type: 'string' },
        'cart-rate': { type: 'string' },
        'checkout-rate': { type: 'string' },
        'purchase-rate': { type: 'string' },
        'no-browsing': { type: 'boolean' },
        'customer-password': { type: 'string' },
        'admin-email': { type: 'string' },
        'admin-password': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  let gatewayUrl: URL;
  try {
    gatewayUrl = new URL(values.gateway ?? 'http://127.0.0.1:4000');
  } catch {
    throw new UsageError(`--gateway: "${values.gateway}" is not a URL`);
  }
  if (gatewayUrl.protocol !== 'http:' && gatewayUrl.protocol !== 'https:') throw new UsageError('--gateway: use an http or https URL');
  if (!isLoopback(gatewayUrl) && !values['allow-remote']) {
    throw new UsageError(`--gateway: ${gatewayUrl.host} is not this machine; the simulator places real orders, so pass --allow-remote if you mean it`);
  }

  const rate = numberOption('rate', values.rate, 5, { min: 0.01, max: 1_000 });
  return {
    rate,
    durationSeconds: values.duration === undefined ? null : parseDuration(values.duration),
    gatewayUrl,
    customers: numberOption('customers', values.customers, 200, { min: 1, max: 1_000_000, integer: true }),
    customerPassword: values['customer-password'] ?? 'rtc-customer-password',
    adminEmail: values['admin-email'] ?? 'admin@rtc.example',
    adminPassword: values['admin-password'] ?? 'rtc-admin-password',
    products: numberOption('products', values.products, 500, { min: 1, max: 100_000, integer: true }),
    payRate: numberOption('pay-rate', values['pay-rate'], 0.8, { min: 0, max: 1 }),
    cancelRate: numberOption('cancel-rate', values['cancel-rate'], 0.05, { min: 0, max: 1 }),
    declineRate: numberOption('decline-rate', values['decline-rate'], 0.02, { min: 0, max: 1 }),
    maxInFlight: numberOption('max-in-flight', values['max-in-flight'], Math.max(16, Math.ceil(rate * 4)), { min: 1, max: 10_000, integer: true }),
    seed: numberOption('seed', values.seed, randomSeed(), { min: 0, max: 2 ** 32 - 1, integer: true }),
    browsing: values['no-browsing'] ? null : browsingShape(values),
  };
}

function browsingShape(values: Partial<Record<'think' | 'view-rate' | 'cart-rate' | 'checkout-rate' | 'purchase-rate', string>>): BrowsingShape {
  const share = (name: 'view-rate' | 'cart-rate' | 'checkout-rate' | 'purchase-rate', fallback: number) =>
    numberOption(name, values[name], fallback, { min: 0.001, max: 1 });
  return {
    ...defaultBrowsingShape,
    viewRate: share('view-rate', defaultBrowsingShape.viewRate),
    cartRate: share('cart-rate', defaultBrowsingShape.cartRate),
    checkoutRate: share('checkout-rate', defaultBrowsingShape.checkoutRate),
    purchaseRate: share('purchase-rate', defaultBrowsingShape.purchaseRate),
    meanThinkMs: numberOption('think', values.think, defaultBrowsingShape.meanThinkMs / 1000, { min: 0, max: 600 }) * 1000,
  };
}
