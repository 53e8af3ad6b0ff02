import { createLogger, registerShutdown } from '@rtc/service-kit';
import { databaseNames, migrateAll } from './databases';
import { loadStackEnv } from './env';
import { databaseAnswers, startPrivateDatabase, type PrivateDatabase } from './local-database';
import { seedIfEmpty } from './seed/seed';
import { startStack } from './stack';

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
try {
  await migrateAll(env.DATABASE_URL, databases);
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
  await privateDatabase?.stop();
  process.exit(1);
}

const stack = await startStack({
  serverUrl: env.DATABASE_URL,
  databases,
  ports: {
    gateway: env.GATEWAY_PORT,
    users: env.USERS_PORT,
    catalog: env.CATALOG_PORT,
    orders: env.ORDERS_PORT,
    inventory: env.INVENTORY_PORT,
  },
  host: env.HOST,
  logLevel: env.LOG_LEVEL,
  redisUrl: env.REDIS_URL,
  internalToken: env.INTERNAL_TOKEN,
  jwtSecret: env.JWT_SECRET,
  storeTimeZone: env.STORE_TIMEZONE,
  storeCurrency: env.STORE_CURRENCY,
  gatewayMetrics: env.METRICS_ENABLED,
});

console.log(`
RTC is running
  GraphQL    ${stack.graphqlUrl}   (queries and mutations over HTTP, subscriptions over graphql-ws)
  Dashboard  ${stack.gatewayUrl}/dashboard   (log in as analyst@rtc.example / rtc-analyst-password)
  Metrics    ${stack.gatewayUrl}/metrics   (subgraphs: ${Object.values(stack.subgraphs).map((s) => `${s.url}/metrics`).join(' ')})
  Database   ${redacted(env.DATABASE_URL)}${privateDatabase ? ' (private server under ' + env.RTC_STATE_DIR + ')' : ''}
Press Ctrl-C to stop.`);

registerShutdown({
  logger,
  onShutdown: async () => {
    await stack.stop();
    await privateDatabase?.stop();
  },
});
