import { parsePercent, parseTaxRates } from '@rtc/orders';
import { createLogger, registerShutdown } from '@rtc/service-kit';
import { createDatabaseUsers, localDatabaseAccounts, type DatabaseAccounts } from './database-users';
import { databaseNames, migrateAll } from './databases';
import { loadStackEnv } from './env';
import { databaseAnswers, startPrivateDatabase, type PrivateDatabase } from './local-database';
import { seedIfEmpty } from './seed/seed';
import { startServiceProcesses } from './service-processes';
import { startStack } from './stack';
import { startThreadedStack } from './threaded-stack';

const env = loadStackEnv();
const logger = createLogger({ service: 'rtc', level: env.LOG_LEVEL });

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

let privateDatabase: PrivateDatabase | undefined;
if (!(await databaseAnswers(env.DATABASE_URL))) {
  const { hostname } = new URL(env.DATABASE_URL);
  if (!['127.0.0.1', 'localhost', '::1'].includes(hostname)) {
    console.error(`Nothing answers at ${redacted(env.DATABASE_URL)}. Start that server or point DATABASE_URL at one that runs.`);
    process.exit(1);
  }
  try {
    privateDatabase = await startPrivateDatabase(env.DATABASE_URL, env.RTC_STATE_DIR, logger);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

const databases = databaseNames(env.RTC_DATABASE_PREFIX);
let accounts: DatabaseAccounts | undefined;
try {
  if (env.RTC_DATABASE_USERS === 'per-service') {
    accounts = localDatabaseAccounts(databases, env.RTC_STATE_DIR);
    await createDatabaseUsers(env.DATABASE_URL, databases, accounts);
  }
  await migrateAll(env.DATABASE_URL, databases, accounts);
  if (env.RTC_SEED === 'auto') {
    await seedIfEmpty(env.DATABASE_URL, databases, {
      timeZone: env.STORE_TIMEZONE,
      currency: env.STORE_CURRENCY,
      onProgress: (message) => console.log(`seed: ${message}`),
    });
  }
} catch (error) {
  const { message, cause } = error as Error & { cause?: { message?: string } };
  console.error(`Preparing the databases failed: ${(cause?.message ?? message).slice(0, 500)}`);
  if (accounts && /denied/i.test(cause?.message ?? message)) {
    console.error("DATABASE_URL's user may not create users: point it at an administrator, or set RTC_DATABASE_USERS=shared.");
  }
  await privateDatabase?.stop();
  process.exit(1);
}

const stackOptions = {
  serverUrl: env.DATABASE_URL,
  databases,
  databaseAccounts: accounts,
  ports: {
    gateway: env.GATEWAY_PORT,
    users: env.USERS_PORT,
    catalog: env.CATALOG_PORT,
    orders: env.ORDERS_PORT,
    inventory: env.INVENTORY_PORT,
    activity: env.ACTIVITY_PORT,
  },
  host: env.HOST,
  logLevel: env.LOG_LEVEL,
  redisUrl: env.REDIS_URL,
  internalToken: env.INTERNAL_TOKEN,
  jwtSecret: env.JWT_SECRET,
  storeTimeZone: env.STORE_TIMEZONE,
  storeCurrency: env.STORE_CURRENCY,
  orderPricing: {
    shippingFee: env.SHIPPING_FLAT_FEE,
    shippingFreeFrom: env.SHIPPING_FREE_FROM ?? null,
    taxRates: parseTaxRates(env.TAX_RATES),
    defaultTaxRate: parsePercent(env.TAX_DEFAULT_RATE),
  },
  gatewayMetrics: env.METRICS_ENABLED,
  mergeSubgraphReads: env.SUBGRAPH_MERGE_READS,
  responseCache: env.RESPONSE_CACHE,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
};

// The same pricing for orders' own process, which reads its environment.
const pricingEnv: Record<string, string> = {
  SHIPPING_FLAT_FEE: String(env.SHIPPING_FLAT_FEE),
  ...(env.SHIPPING_FREE_FROM !== undefined ? { SHIPPING_FREE_FROM: String(env.SHIPPING_FREE_FROM) } : {}),
  TAX_RATES: env.TAX_RATES,
  TAX_DEFAULT_RATE: env.TAX_DEFAULT_RATE,
};

if (env.RTC_TOPOLOGY === 'single-process' && env.GATEWAY_WORKERS !== undefined && env.GATEWAY_WORKERS !== 1) {
  console.warn('GATEWAY_WORKERS applies to RTC_TOPOLOGY=process-per-service; the single process runs one gateway.');
}

// One process for all six services by default; one per service (as in production, over a Redis bus) on request.
const running =
  env.RTC_TOPOLOGY === 'process-per-service'
    ? await startServiceProcesses({
        ...stackOptions,
        redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        gatewayWorkers: env.GATEWAY_WORKERS,
        extraEnv: { orders: pricingEnv },
        cpuProfileDir: env.RTC_CPU_PROFILE_DIR,
      })
    : env.RTC_SUBGRAPH_THREAD
      ? await startThreadedStack(stackOptions, logger)
      : await startStack(stackOptions).then((stack) => ({
          gatewayUrl: stack.gatewayUrl,
          urls: Object.fromEntries(Object.entries(stack.subgraphs).map(([name, subgraph]) => [name, subgraph.url])),
          stop: stack.stop,
        }));

if ('failed' in running) {
  running.failed.catch((error: unknown) => {
    logger.fatal({ err: error }, 'the subgraph thread died; stopping');
    process.exit(1);
  });
}

console.log(`
RTC is running (${env.RTC_TOPOLOGY}${env.RTC_TOPOLOGY === 'single-process' && env.RTC_SUBGRAPH_THREAD ? ', subgraphs in a worker thread' : ''})
  GraphQL    ${running.gatewayUrl}/graphql   (queries and mutations over HTTP, subscriptions over graphql-ws)
  Dashboard  ${running.gatewayUrl}/dashboard   (log in as analyst@rtc.example / rtc-analyst-password)
  Metrics    ${running.gatewayUrl}/metrics   (subgraphs: ${['users', 'catalog', 'orders', 'inventory', 'activity'].map((name) => `${running.urls[name as 'users']}/metrics`).join(' ')})
  Traces     ${env.OTEL_EXPORTER_OTLP_ENDPOINT ? `over OTLP to ${env.OTEL_EXPORTER_OTLP_ENDPOINT}` : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to export them)'}
  Database   ${redacted(env.DATABASE_URL)}${privateDatabase ? ' (private server under ' + env.RTC_STATE_DIR + ')' : ''}${accounts ? `; each service as its own user (passwords in ${env.RTC_STATE_DIR}/database-passwords.json)` : ''}
Press Ctrl-C to stop.`);

registerShutdown({
  logger,
  onShutdown: async () => {
    await running.stop();
    await privateDatabase?.stop();
  },
});
