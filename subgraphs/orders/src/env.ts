import { z } from 'zod';
import { assertProductionSecrets, commonEnv, databaseEnv, loadEnv, port, storeEnv } from '@rtc/service-kit';
import { parsePercent, parseTaxRates } from './totals/order-totals';

// The only file of this service that reads process.env.

const graphqlUrl = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);

const tryParse = (parse: () => unknown) => {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
};

export function loadOrdersEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...databaseEnv,
      ...storeEnv,
      PORT: port(4003),
      CATALOG_URL: graphqlUrl('http://127.0.0.1:4002/graphql'),
      INVENTORY_URL: graphqlUrl('http://127.0.0.1:4004/graphql'),
      // Checkout fails with SERVICE_UNAVAILABLE when catalog or inventory does not answer within these.
      CATALOG_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(800),
      INVENTORY_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(3_000),
      // Checkout keeps catalog's answers until catalog's ProductChanged event evicts them, and at most this long
      // (the bound while the event log cannot be read); 0 asks catalog on every checkout.
      CATALOG_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
      // After this many consecutive unavailable answers, calls to that service fail at once for the cool-off.
      DEPENDENCY_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
      DEPENDENCY_BREAKER_COOL_OFF_MS: z.coerce.number().int().min(100).max(60_000).default(1_500),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
        .default('USD'),
      // Inventory holds stock for at most a day; orders add a grace period on top of this.
      ORDER_PAYMENT_TTL_SECONDS: z.coerce.number().int().min(60).max(86_000).default(900),
      ORDER_EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
      ORDER_CHECKOUT_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
      ORDER_CHECKOUT_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
      PAYMENT_MAX_AMOUNT: z.coerce.number().int().min(1).default(1_000_000),
      // Guest carts are deleted this long after their last change (1 minute to 90 days).
      GUEST_CART_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(60)
        .max(90 * 24 * 3600)
        .default(7 * 24 * 3600),
      // A flat shipping fee per order in minor units, free from a subtotal when SHIPPING_FREE_FROM is set.
      SHIPPING_FLAT_FEE: z.coerce.number().int().min(0).max(100_000_000).default(0),
      SHIPPING_FREE_FROM: z.coerce.number().int().min(0).optional(),
      // Tax per shipping country, e.g. "DE:19,FR:20,US:8.875" (percent), and the rate elsewhere or without an address.
      TAX_RATES: z
        .string()
        .default('')
        .refine((text) => tryParse(() => parseTaxRates(text)), 'must be COUNTRY:PERCENT pairs separated by commas, e.g. DE:19,FR:20'),
      TAX_DEFAULT_RATE: z
        .string()
        .default('0')
        .refine((text) => tryParse(() => parsePercent(text)), 'must be a percentage such as 0, 19 or 8.875'),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export function loadMigrationEnv() {
  return loadEnv(databaseEnv, process.env);
}
