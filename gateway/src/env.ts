import { z } from 'zod';
import { assertProductionSecrets, commonEnv, jwtEnv, loadEnv, port } from '@rtc/service-kit';

const subgraphUrl = (fallbackPort: number) => z.url({ protocol: /^https?$/ }).default(`http://127.0.0.1:${fallbackPort}/graphql`);

// The only file of the gateway that reads process.env.
export function loadGatewayEnv() {
  const env = loadEnv(
    {
      ...commonEnv,
      ...jwtEnv,
      PORT: port(4000),
      USERS_URL: subgraphUrl(4001),
      CATALOG_URL: subgraphUrl(4002),
      ORDERS_URL: subgraphUrl(4003),
      INVENTORY_URL: subgraphUrl(4004),
      MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
      MAX_QUERY_COST: z.coerce.number().int().min(10).max(1_000_000).default(25_000),
      STORE_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
      METRICS_ENABLED: z.stringbool().default(true),
      ACCOUNT_RECHECK_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
      MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(1_000_000),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}
