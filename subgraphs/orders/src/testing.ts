import { drizzle } from 'drizzle-orm/mysql2';
import { catalogMigrations, catalogSchema, createCatalogSubgraph } from '@rtc/catalog';
import { createInventorySubgraph, inventoryMigrations, inventorySchema } from '@rtc/inventory';
import { createInternalClient, createMysqlPool, type Role } from '@rtc/service-kit';
import {
  asService,
  asUser,
  createTestDatabase,
  postGraphQL,
  queryRows,
  startService,
  testInternalToken,
  type GraphQLResult,
  type RunningService,
  type TestDatabase,
} from '@rtc/testkit';
import { createInventory, type Inventory } from './clients/inventory';
import { ordersMigrations } from './migrations';
import type { PaymentProvider } from './payments/payment-provider';
import { createOrdersSubgraph, type OrdersConfig, type OrdersOverrides } from './subgraph';

export interface SeedProduct {
  readonly sku: string;
  readonly price: number;
  readonly currency?: string;
  readonly active?: boolean;
  /** Units on hand; no stock row when omitted. */
  readonly stock?: number;
  /** Further variants (sizes, colours) beside the default one, each with its own SKU suffix, price and stock. */
  readonly variants?: readonly { readonly size: string; readonly price: number; readonly stock?: number }[];
}

type Orders = Awaited<ReturnType<typeof createOrdersSubgraph>>;

/** Real catalog, inventory and orders subgraphs on fresh databases, wired as in production. */
export interface OrderStack {
  readonly orders: RunningService<Orders>;
  readonly ordersDb: TestDatabase;
  readonly inventoryDb: TestDatabase;
  readonly catalogDb: TestDatabase;
  /** GraphQL endpoints of the catalog and inventory subgraphs, for a checkout run in another process. */
  readonly catalogUrl: string;
  readonly inventoryUrl: string;
  /** Adds products to the catalog (and stock to inventory); returns their ids in order. */
  seedProducts<const T extends readonly SeedProduct[]>(products: T): Promise<{ -readonly [K in keyof T]: string }>;
  /** The ids of a seeded product's further variants, by size. */
  variantsOf(productId: string): Promise<Record<string, string>>;
  /** A GraphQL call to orders as the given user. */
  call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, as: Caller | null): Promise<GraphQLResult<T>>;
  /** Rows of the inventory database. */
  inventoryRows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Rows of the orders database. */
  orderRows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A second orders process on the same database, as another replica. */
  startReplica(): Promise<RunningService<Orders>>;
  stop(): Promise<void>;
}

export interface Caller {
  readonly userId: string;
  readonly role?: Role;
}

export function callerHeaders(caller: Caller | null): Record<string, string> {
  return caller ? asUser(caller.role ?? 'CUSTOMER', caller.userId) : asService;
}

export interface StackOptions {
  readonly config?: Partial<Omit<OrdersConfig, 'catalogUrl' | 'inventoryUrl'>>;
  /** Wraps the real inventory client, e.g. to make it fail for a while. */
  readonly inventory?: (real: Inventory) => Inventory;
  /** Replaces the rule-based payment provider, e.g. to record refunds. */
  readonly payments?: PaymentProvider;
}

export async function startOrderStack({ config = {}, inventory: wrapInventory, payments }: StackOptions = {}): Promise<OrderStack> {
  const [catalogDb, inventoryDb, ordersDb] = await Promise.all([
    createTestDatabase('catalog', catalogMigrations),
    createTestDatabase('inventory', inventoryMigrations),
    createTestDatabase('orders', ordersMigrations),
  ]);
  const catalog = await startService('catalog', catalogDb.url, (deps) => createCatalogSubgraph({ production: false, internalToken: testInternalToken }, deps));
  const inventory = await startService('inventory', inventoryDb.url, (deps) =>
    createInventorySubgraph({ production: false, internalToken: testInternalToken, reservationTtlSeconds: 900, expiryIntervalMs: 3_600_000 }, deps),
  );
  const ordersConfig: OrdersConfig = {
    production: false,
    internalToken: testInternalToken,
    catalogUrl: catalog.graphqlUrl,
    inventoryUrl: inventory.graphqlUrl,
    storeTimeZone: 'UTC',
    storeCurrency: 'USD',
    paymentTtlSeconds: 900,
    expirySweepSeconds: 0,
    checkoutReconcileSeconds: 0,
    paymentMaxAmount: 1_000_000,
    // These tests change catalog's rows directly, without its ProductChanged events: checkout asks catalog every time.
    catalogCacheTtlMs: 0,
    ...config,
  };
  const realInventory = createInventory(createInternalClient({ baseUrl: inventory.graphqlUrl, internalToken: testInternalToken }));
  const overrides: OrdersOverrides = { ...(wrapInventory ? { inventory: wrapInventory(realInventory) } : {}), ...(payments ? { payments } : {}) };
  const startOrders = () => startService('orders', ordersDb.url, (deps) => createOrdersSubgraph(ordersConfig, deps, overrides));
  const orders = await startOrders();
  const replicas: RunningService<Orders>[] = [];

  const catalogPool = createMysqlPool({ url: catalogDb.url, connectionLimit: 2 });
  const inventoryPool = createMysqlPool({ url: inventoryDb.url, connectionLimit: 2 });
  const catalogWriter = drizzle(catalogPool, { schema: catalogSchema, mode: 'default' });
  const inventoryWriter = drizzle(inventoryPool, { schema: inventorySchema, mode: 'default' });
  const [category] = await catalogWriter.insert(catalogSchema.categories).values({ name: 'Test goods', slug: 'test-goods', createdAt: new Date() });

  return {
    orders,
    ordersDb,
    inventoryDb,
    catalogDb,
    catalogUrl: catalog.graphqlUrl,
    inventoryUrl: inventory.graphqlUrl,
    async seedProducts<const T extends readonly SeedProduct[]>(products: T) {
      const ids: string[] = [];
      for (const product of products) {
        const [row] = await catalogWriter.insert(catalogSchema.products).values({
          sku: product.sku,
          handle: `product-${product.sku.toLowerCase()}`,
          name: `Product ${product.sku}`,
          description: '',
          priceAmount: product.price,
          currency: product.currency ?? 'USD',
          active: product.active ?? true,
          categoryId: category.insertId,
          createdAt: new Date(),
        });
        const productId = row.insertId;
        const sizes = product.variants ?? [];
        // The default variant as the catalog writes it: the product's id, SKU and price; sizes S first when sized.
        await catalogWriter.insert(catalogSchema.productVariants).values([
          {
            id: productId,
            productId,
            sku: product.sku,
            selectedOptions: sizes.length > 0 ? [{ name: 'Size', value: 'S' }] : [],
            priceAmount: product.price,
            position: 0,
            createdAt: new Date(),
          },
        ]);
        const stockRows = product.stock === undefined ? [] : [{ productId, parentProductId: productId, onHand: product.stock, available: product.stock }];
        for (const [index, size] of sizes.entries()) {
          const [variant] = await catalogWriter.insert(catalogSchema.productVariants).values({
            productId,
            sku: `${product.sku}-${size.size}`,
            selectedOptions: [{ name: 'Size', value: size.size }],
            priceAmount: size.price,
            position: index + 1,
            createdAt: new Date(),
          });
          if (size.stock !== undefined) stockRows.push({ productId: variant.insertId, parentProductId: productId, onHand: size.stock, available: size.stock });
        }
        if (stockRows.length > 0) {
          await inventoryWriter.insert(inventorySchema.stock).values(stockRows.map((stockRow) => ({ ...stockRow, reserved: 0, updatedAt: new Date() })));
        }
        ids.push(String(productId));
      }
      return ids as { -readonly [K in keyof T]: string };
    },
    async variantsOf(productId) {
      const rows = await queryRows<{ id: number; sku: string }>(
        catalogDb.url,
        'SELECT id, sku FROM product_variants WHERE product_id = ? AND id <> product_id',
        [productId],
      );
      return Object.fromEntries(rows.map((variant) => [variant.sku.slice(variant.sku.lastIndexOf('-') + 1), String(variant.id)]));
    },
    call: (query, variables, as) => postGraphQL(orders.graphqlUrl, query, variables, { headers: callerHeaders(as) }),
    inventoryRows: (sql, params = []) => queryRows(inventoryDb.url, sql, params),
    orderRows: (sql, params = []) => queryRows(ordersDb.url, sql, params),
    async startReplica() {
      const replica = await startOrders();
      replicas.push(replica);
      return replica;
    },
    async stop() {
      await Promise.all([...replicas, orders, inventory, catalog].map((service) => service.stop()));
      await Promise.all([catalogPool.end(), inventoryPool.end()]);
      await Promise.all([catalogDb.drop(), inventoryDb.drop(), ordersDb.drop()]);
    },
  };
}
