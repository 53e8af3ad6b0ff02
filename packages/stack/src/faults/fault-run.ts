import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signAccessToken, withDatabase } from '@rtc/service-kit';
import { freePort, queryRows, startPrivateMariadb, startPrivateRedis, testInternalToken, testJwtSecret, type PrivateServer } from '@rtc/testkit';
import { databaseNames, migrateAll } from '../databases';
import { createProducts } from '../fixtures';
import type { SubgraphName } from '@rtc/gateway';
import { startServiceProcesses, type ServiceProcesses } from '../service-processes';
import type { ServiceName } from '../stack';
import { checkInvariants, type InvariantReport, type StoreDatabases } from './check-invariants';
import { createCheckoutLoad, type CheckoutLoad, type Customer } from './checkout-load';
import { createGatewayBalancer, type GatewayBalancer } from './gateway-balancer';
import { connectTickSubscribers, waitForTickSubscriptions, waitForTicks, type TickSubscriber } from './tick-subscribers';

export interface FaultRunOptions {
  /** Gateway replicas behind the balancer (two for the gateway's own fault). */
  readonly gatewayReplicas?: number;
  readonly subscribers?: number;
  readonly ordersPerSecond?: number;
  readonly customers?: number;
  /** Extra environment per service. */
  readonly extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

export interface FaultWindow {
  readonly from: number;
  readonly to: number;
}

export interface FaultOutcome {
  readonly fault: FaultWindow;
  readonly report: InvariantReport;
}

/** One store under test: its own MariaDB and Redis, its services as processes, customers placing orders, dashboards following ticks. */
export interface FaultRun {
  readonly mariadb: PrivateServer;
  readonly redis: PrivateServer;
  readonly services: ServiceProcesses;
  readonly balancer: GatewayBalancer;
  readonly load: CheckoutLoad;
  readonly subscribers: readonly TickSubscriber[];
  readonly databases: StoreDatabases;
  /** The store's database names on the private server. */
  readonly databaseNames: Record<SubgraphName, string>;
  /** Where every service process writes its log. */
  readonly logDir: string;
  /**
   * Runs the load for `beforeMs`, applies `fault` (which returns once the fault is over and the faulty part is back),
   * runs the load `afterMs` more, stops it, lets unanswered orders be retried, then checks the store's invariants.
   */
  run(fault: () => Promise<void>, timing?: { readonly beforeMs?: number; readonly afterMs?: number }): Promise<FaultOutcome>;
  dispose(options?: { readonly keepLogs?: boolean }): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A few products with ample stock and two that sell out within the run, so OUT_OF_STOCK is part of every run.
const productSpecs = [
  { price: 1_999, stock: 5_000, weight: 4 },
  { price: 2_499, stock: 5_000, weight: 4 },
  { price: 999, stock: 5_000, weight: 3 },
  { price: 4_999, stock: 5_000, weight: 3 },
  { price: 12_999, stock: 40, weight: 2 },
  { price: 7_999, stock: 40, weight: 2 },
];

export async function startFaultRun(options: FaultRunOptions = {}): Promise<FaultRun> {
  const { gatewayReplicas = 1, subscribers: subscriberCount = 20, ordersPerSecond = 12, customers: customerCount = 20 } = options;
  const logDir = mkdtempSync(join(tmpdir(), 'rtc-faults-'));
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const [mariadb, redis] = await Promise.all([startPrivateMariadb(), startPrivateRedis({ keepData: true })]);
    cleanups.push(
      () => mariadb.close(),
      () => redis.close(),
    );
    const databases = databaseNames('rtc_');
    await migrateAll(mariadb.url, databases);

    const ports = {
      users: await freePort(),
      catalog: await freePort(),
      inventory: await freePort(),
      orders: await freePort(),
      activity: await freePort(),
      gateway: await freePort(),
    };
    const replicaPorts = await Promise.all(Array.from({ length: gatewayReplicas - 1 }, () => freePort()));
    const services = await startServiceProcesses({
      serverUrl: mariadb.url,
      databases,
      ports,
      gatewayReplicaPorts: replicaPorts,
      host: '127.0.0.1',
      logLevel: 'warn',
      redisUrl: redis.url,
      internalToken: testInternalToken,
      jwtSecret: testJwtSecret,
      storeTimeZone: 'UTC',
      storeCurrency: 'USD',
      logDir,
      // What clients of a production store see: masked errors, no stack traces. The load's own operations are not
      // trusted documents, so the gateway runs them as a development store would.
      nodeEnv: 'production',
      extraEnv: { ...options.extraEnv, gateway: { TRUSTED_DOCUMENTS: 'open', ...options.extraEnv?.gateway } },
    });
    cleanups.push(() => services.stop());

    const usersDb = withDatabase(mariadb.url, databases.users);
    const people = [
      "('admin@faults.example', 'Ada Admin', 'ADMIN', 'x', NOW(3))",
      "('analyst@faults.example', 'Ann Analyst', 'ANALYST', 'x', NOW(3))",
      ...Array.from({ length: customerCount }, (_, index) => `('customer${index + 1}@faults.example', 'Customer ${index + 1}', 'CUSTOMER', 'x', NOW(3))`),
    ];
    await queryRows(usersDb, `INSERT INTO users (email, name, role, password_hash, created_at) VALUES ${people.join(', ')}`);
    const rows = await queryRows<{ id: number; role: 'ADMIN' | 'ANALYST' | 'CUSTOMER' }>(usersDb, 'SELECT id, role FROM users ORDER BY id');
    const tokenOf = (row: { id: number; role: 'ADMIN' | 'ANALYST' | 'CUSTOMER' }) =>
      signAccessToken({ userId: String(row.id), role: row.role }, testJwtSecret, 3_600);
    const adminToken = await tokenOf(rows.find((row) => row.role === 'ADMIN')!);
    const analystToken = await tokenOf(rows.find((row) => row.role === 'ANALYST')!);
    const customers: Customer[] = await Promise.all(
      rows.filter((row) => row.role === 'CUSTOMER').map(async (row) => ({ userId: String(row.id), token: await tokenOf(row) })),
    );
    const products = await createProducts(`${services.gatewayUrl}/graphql`, adminToken, productSpecs);

    const balancer = createGatewayBalancer(services.gateways.map((gateway) => gateway.url));
    cleanups.push(async () => balancer.dispose());
    const subscribers = connectTickSubscribers(balancer, analystToken, subscriberCount);
    cleanups.push(async () => void (await Promise.all(subscribers.map((subscriber) => subscriber.client.dispose()))));
    const load = createCheckoutLoad({
      balancer,
      customers,
      products: products.map((product, index) => ({ id: product.id, weight: productSpecs[index]!.weight })),
      ordersPerSecond,
    });

    const gatewayUrls = services.gateways.map((gateway) => gateway.url);
    if (!(await waitForTickSubscriptions(gatewayUrls, subscriberCount, 30_000))) {
      throw new Error(`the gateways did not hold ${subscriberCount} salesTicks subscriptions within 30 s`);
    }
    // One order before the load: every subscriber's tick for it proves the subscriptions are attached.
    const first = await load.placeOne();
    if (!first.orderId) throw new Error(`the first order failed: ${JSON.stringify(first.attempts.at(-1)?.errors)}`);
    if (!(await waitForTicks(subscribers, [first.orderId], 30_000))) {
      const attached = subscribers.filter((subscriber) => subscriber.orderIds().includes(first.orderId!)).length;
      throw new Error(`only ${attached} of ${subscribers.length} subscribers received the first order's tick`);
    }

    const orderDatabases: StoreDatabases = { orders: withDatabase(mariadb.url, databases.orders), inventory: withDatabase(mariadb.url, databases.inventory) };
    return {
      mariadb,
      redis,
      services,
      balancer,
      load,
      subscribers,
      databases: orderDatabases,
      databaseNames: databases,
      logDir,
      async run(fault, { beforeMs = 8_000, afterMs = 12_000 } = {}) {
        load.start();
        await sleep(beforeMs);
        const from = Date.now();
        let to = from;
        try {
          await fault();
        } finally {
          to = Date.now();
          await sleep(afterMs);
          await load.stop();
          await load.settle(30_000);
        }
        // Reservations of checkouts cut off by the fault are released within a minute of it.
        const settleUntil = Math.max(Date.now() + 15_000, to + 70_000);
        const report = await checkInvariants({ databases: orderDatabases, placed: load.orders, subscribers, logDir, fault: { from, to }, settleUntil });
        return { fault: { from, to }, report };
      },
      async dispose({ keepLogs = false } = {}) {
        await cleanUp();
        if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await cleanUp();
    throw new Error(`the fault run did not start (service logs: ${logDir})`, { cause: error });
  }
}
