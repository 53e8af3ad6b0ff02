import { randomBytes } from 'node:crypto';
import { signAccessToken, withDatabase, type Role } from '@rtc/service-kit';
import { queryRows, testInternalToken, testJwtSecret, testServerUrl } from '@rtc/testkit';
import type { SubgraphName } from '@rtc/gateway';
import { createDatabaseUsers, randomDatabaseAccounts } from './database-users';
import { databaseNames, dropAll, migrateAll } from './databases';
import { startStack, type RunningStack, type StackOptions } from './stack';

export interface TestStack extends RunningStack {
  readonly serverUrl: string;
  readonly databases: Record<SubgraphName, string>;
  /** Every Redis key this stack writes (event log, rate-limit counters) starts with it, so tests look at their own keys only. */
  readonly redisPrefix: string;
  /** A user of `role` in the users database, with a token the gateway accepts. */
  createUser(role?: Role, name?: string): Promise<{ id: string; token: string }>;
  databaseUrl(name: SubgraphName): string;
}

export interface TestStackOptions {
  /** A MySQL/MariaDB server other than the shared test server, e.g. a private one a test stops. */
  readonly serverUrl?: string;
  readonly redisUrl?: string;
  readonly paymentTtlSeconds?: number;
  readonly orderPricing?: StackOptions['orderPricing'];
  readonly trustedDocuments?: 'safelist' | 'open';
  /** `per-service`: each service connects as its own account and migrations run as theirs, as in production. */
  readonly databaseUsers?: 'per-service' | 'shared';
  readonly rateLimits?: StackOptions['rateLimits'];
  readonly otlpEndpoint?: string;
}

/** RTC in-process on fresh databases of its own and free ports; stop() drops the databases. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const suffix = randomBytes(4).toString('hex');
  const redisPrefix = `rtc:test:${suffix}`;
  const databases = databaseNames(`rtc_test_${suffix}_`);
  const serverUrl = options.serverUrl ?? testServerUrl();
  const accounts = options.databaseUsers === 'per-service' ? randomDatabaseAccounts(databases) : undefined;
  if (accounts) await createDatabaseUsers(serverUrl, databases, accounts);
  await migrateAll(serverUrl, databases, accounts);
  const stack = await startStack({
    serverUrl,
    databases,
    databaseAccounts: accounts,
    ports: { gateway: 0, users: 0, catalog: 0, orders: 0, inventory: 0, activity: 0 },
    host: '127.0.0.1',
    logLevel: 'silent',
    redisUrl: options.redisUrl,
    eventChannel: redisPrefix,
    internalToken: testInternalToken,
    jwtSecret: testJwtSecret,
    storeTimeZone: 'UTC',
    storeCurrency: 'USD',
    // Revocations reach HTTP and sockets within a second, so tests of them stay short.
    accountRecheckMs: 1_000,
    ...(options.paymentTtlSeconds ? { paymentTtlSeconds: options.paymentTtlSeconds } : {}),
    ...(options.orderPricing ? { orderPricing: options.orderPricing } : {}),
    ...(options.trustedDocuments ? { trustedDocuments: options.trustedDocuments } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.otlpEndpoint ? { otlpEndpoint: options.otlpEndpoint } : {}),
  });
  const databaseUrl = (name: SubgraphName) => withDatabase(serverUrl, databases[name]);
  let users = 0;
  return {
    ...stack,
    serverUrl,
    databases,
    redisPrefix,
    databaseUrl,
    async createUser(role: Role = 'CUSTOMER', name = `${role.toLowerCase()} ${++users}`) {
      const email = `${randomBytes(6).toString('hex')}@test.rtc.example`;
      await queryRows(databaseUrl('users'), 'INSERT INTO users (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, NOW(3))', [
        email,
        name,
        role,
        'not-a-password-hash',
      ]);
      const [row] = await queryRows<{ id: number }>(databaseUrl('users'), 'SELECT id FROM users WHERE email = ?', [email]);
      const id = String(row!.id);
      return { id, token: await signAccessToken({ userId: id, role }, testJwtSecret) };
    },
    async stop() {
      await stack.stop();
      await dropAll(serverUrl, databases);
    },
  };
}

export { createProducts, placeOrder, placeOrderMutation, type CreatedProduct, type PlacedOrder, type PlaceOrderPayload, type ProductSpec } from './fixtures';
