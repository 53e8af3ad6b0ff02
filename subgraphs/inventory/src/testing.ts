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
import { inventoryMigrations } from './migrations';
import { createInventorySubgraph } from './subgraph';

export type Headers = Record<string, string>;
export { asService, asUser };

export const asAdmin = asUser('ADMIN', '1');

export interface TestInventory {
  readonly database: TestDatabase;
  readonly service: RunningService<Awaited<ReturnType<typeof createInventorySubgraph>>>;
  call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, headers: Headers): Promise<GraphQLResult<T>>;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Receives units through the public mutation, as an admin would. */
  restock(productId: string, quantity: number): Promise<void>;
  stop(): Promise<void>;
}

/** The inventory subgraph on a fresh migrated database, listening on a random port. */
export async function startTestInventory({ expiryIntervalMs = 60_000 } = {}): Promise<TestInventory> {
  const database = await createTestDatabase('inventory', inventoryMigrations);
  const service = await startService('inventory', database.url, (deps) =>
    createInventorySubgraph({ production: false, internalToken: testInternalToken, reservationTtlSeconds: 900, expiryIntervalMs }, deps),
  );
  const call = <T>(query: string, variables: Record<string, unknown>, headers: Headers) => postGraphQL<T>(service.graphqlUrl, query, variables, { headers });
  return {
    database,
    service,
    call,
    rows: (sql, params = []) => queryRows(database.url, sql, params),
    async restock(productId, quantity) {
      const result = await call(
        'mutation($productId: ID!, $quantity: Int!) { restock(input: { productId: $productId, quantity: $quantity, reason: "delivery" }) { stock { available } errors { message } } }',
        { productId, quantity },
        asAdmin,
      );
      const failure = result.errors?.[0] ?? (result.data as { restock?: { errors: { message: string }[] } } | undefined)?.restock?.errors[0];
      if (failure) throw new Error(`restock failed: ${failure.message}`);
    },
    async stop() {
      await service.stop();
      await database.drop();
    },
  };
}

export interface StockFiguresRow {
  on_hand: number;
  reserved: number;
  available: number;
}

export async function stockOf(inventory: TestInventory, productId: string): Promise<StockFiguresRow | undefined> {
  const [row] = await inventory.rows<StockFiguresRow>('SELECT on_hand, reserved, available FROM stock WHERE product_id = ?', [productId]);
  return row;
}
