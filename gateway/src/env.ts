import { z } from 'zod';
import type { GatewayRateLimits } from './gateway';
import { assertProductionSecrets, commonEnv, jwtEnv, loadEnv, port } from '@rtc/service-kit';
import { defaultOperationLimits } from './limits/operation-limits';
import { defaultSubgraphCallPolicy, type SubgraphCallPolicy } from './subgraph-data-source';

const subgraphUrl = (fallbackPort: number) => z.url({ protocol: /^https?$/ }).default(`http://127.0.0.1:${fallbackPort}/graphql`);

const rate = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);
const burst = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

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
      ACTIVITY_URL: subgraphUrl(4005),
      MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(defaultOperationLimits.maxDepth),
      MAX_QUERY_COST: z.coerce.number().int().min(10).max(1_000_000).default(defaultOperationLimits.maxCost),
      MAX_QUERY_ALIASES: z.coerce.number().int().min(0).max(1_000).default(defaultOperationLimits.maxAliases),
      MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(1_000).default(defaultOperationLimits.maxRootFields),
      MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).max(1_000).default(defaultOperationLimits.maxDirectives),
      MAX_QUERY_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(defaultOperationLimits.maxTokens),
      MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(defaultOperationLimits.maxSubscriptionsPerSocket),
      STORE_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
        .default('USD'),
      METRICS_ENABLED: z.stringbool().default(true),
      ACCOUNT_RECHECK_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
      MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(1_000_000),
      // Unset: safelist when NODE_ENV=production, open otherwise.
      TRUSTED_DOCUMENTS: z.enum(['safelist', 'open']).optional(),
      // How many proxies append to X-Forwarded-For in front of the gateway: 1 behind the ALB; "true" means 1.
      TRUST_PROXY: z.union([z.enum(['true', 'false']).transform((value) => (value === 'true' ? 1 : 0)), z.coerce.number().int().min(0).max(10)]).default(0),
      RATE_LIMIT_ADDRESS_PER_SECOND: rate(50),
      RATE_LIMIT_ADDRESS_BURST: burst(100),
      RATE_LIMIT_USER_PER_SECOND: rate(30),
      RATE_LIMIT_USER_BURST: burst(60),
      RATE_LIMIT_NEW_SOCKETS_PER_SECOND: rate(10),
      RATE_LIMIT_OPEN_SOCKETS: rate(100),
      SUBGRAPH_QUERY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(defaultSubgraphCallPolicy.queryTimeoutMs),
      SUBGRAPH_MUTATION_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(defaultSubgraphCallPolicy.mutationTimeoutMs),
      SUBGRAPH_READ_RETRIES: z.coerce.number().int().min(0).max(3).default(defaultSubgraphCallPolicy.queryRetries),
      SUBGRAPH_MERGE_READS: z.stringbool().default(true),
      SUBGRAPH_CHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
      SUBGRAPH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1_000),
      WS_PING_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(300).default(12),
      WS_MAX_BUFFERED_BYTES: z.coerce
        .number()
        .int()
        .min(16 * 1024)
        .max(256 * 1024 * 1024)
        .default(4 * 1024 * 1024),
    },
    process.env,
  );
  assertProductionSecrets(env);
  return env;
}

export type GatewayEnv = ReturnType<typeof loadGatewayEnv>;

export function rateLimitsOf(env: GatewayEnv): GatewayRateLimits {
  return {
    redisUrl: env.REDIS_URL,
    perAddress: { perSecond: env.RATE_LIMIT_ADDRESS_PER_SECOND, burst: env.RATE_LIMIT_ADDRESS_BURST },
    perUser: { perSecond: env.RATE_LIMIT_USER_PER_SECOND, burst: env.RATE_LIMIT_USER_BURST },
    newSocketsPerAddressPerSecond: env.RATE_LIMIT_NEW_SOCKETS_PER_SECOND,
    openSocketsPerAddress: env.RATE_LIMIT_OPEN_SOCKETS,
  };
}

export function subgraphCallsOf(env: GatewayEnv): SubgraphCallPolicy {
  return {
    queryTimeoutMs: env.SUBGRAPH_QUERY_TIMEOUT_MS,
    mutationTimeoutMs: env.SUBGRAPH_MUTATION_TIMEOUT_MS,
    queryRetries: env.SUBGRAPH_READ_RETRIES,
    retryBackoffMs: defaultSubgraphCallPolicy.retryBackoffMs,
  };
}
