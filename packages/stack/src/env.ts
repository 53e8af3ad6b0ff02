import { z } from 'zod';
import { commonEnv, jwtEnv, loadEnv, port, storeEnv } from '@rtc/service-kit';
import { parsePercent, parseTaxRates } from '@rtc/orders';

const parses = (parse: () => unknown) => {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
};

// The only file of the local launcher that reads process.env.
export function loadStackEnv() {
  return loadEnv(
    {
      ...commonEnv,
      ...jwtEnv,
      ...storeEnv,
      DATABASE_URL: z.url({ protocol: /^mysql$/ }).default('mysql://root@127.0.0.1:3306'),
      HOST: z.string().default('127.0.0.1'),
      GATEWAY_PORT: port(4000),
      USERS_PORT: port(4001),
      CATALOG_PORT: port(4002),
      ORDERS_PORT: port(4003),
      INVENTORY_PORT: port(4004),
      ACTIVITY_PORT: port(4005),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
        .default('USD'),
      METRICS_ENABLED: z.stringbool().default(true),
      SUBGRAPH_MERGE_READS: z.stringbool().default(true),
      RESPONSE_CACHE: z.stringbool().default(false),
      RTC_TOPOLOGY: z.enum(['single-process', 'process-per-service']).default('single-process'),
      // The single process runs its subgraphs in a worker thread beside the gateway's main thread (two cores), or with it.
      RTC_SUBGRAPH_THREAD: z.stringbool().default(true),
      // The gateway's processes in the process-per-service topology; the single process has one gateway.
      GATEWAY_WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).optional(),
      // Orders' shipping rule and tax rates (subgraphs/orders/README.md); unset, orders cost the sum of their lines.
      SHIPPING_FLAT_FEE: z.coerce.number().int().min(0).max(100_000_000).default(0),
      SHIPPING_FREE_FROM: z.coerce.number().int().min(0).optional(),
      TAX_RATES: z
        .string()
        .default('')
        .refine((text) => parses(() => parseTaxRates(text)), 'must be COUNTRY:PERCENT pairs separated by commas, e.g. DE:19,FR:20'),
      TAX_DEFAULT_RATE: z
        .string()
        .default('0')
        .refine((text) => parses(() => parsePercent(text)), 'must be a percentage such as 0, 19 or 8.875'),
      RTC_SEED: z.enum(['auto', 'never']).default('auto'),
      // With process-per-service, each service writes a V8 CPU profile (<service>.<pid>.cpuprofile) here on exit.
      RTC_CPU_PROFILE_DIR: z.string().min(1).optional(),
      RTC_STATE_DIR: z.string().default('.rtc'),
      // per-service: DATABASE_URL's user (an administrator) creates an account per service and per migration step.
      RTC_DATABASE_USERS: z.enum(['per-service', 'shared']).default('per-service'),
      RTC_DATABASE_PREFIX: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,40}$/, 'must be lowercase letters, digits and _')
        .default('rtc_'),
    },
    process.env,
  );
}

export type StackEnv = ReturnType<typeof loadStackEnv>;
