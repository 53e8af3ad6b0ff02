import { readFileSync } from 'node:fs';
import { inArray } from 'drizzle-orm';
import { parse } from 'graphql';
import { createBatchLoader, createGroupLoader, createServiceRelay, createSubgraphServer, type ServiceDeps } from '@rtc/service-kit';
import type { InventoryContext } from './context';
import { createInventoryDb } from './db/client';
import { stock } from './db/schema';
import { createExpiryJob } from './reservations/expiry-job';
import { createReservationProcedures } from './reservations/reservation-procedures';
import { createReservations } from './reservations/reservations';
import { resolvers } from './resolvers';
import { createStockAdmin } from './stock/stock-admin';
import { registerStockGauges } from './stock/stock-gauges';
import { createStockReports } from './stock/stock-reports';

export const inventoryTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface InventoryConfig {
  readonly production: boolean;
  readonly internalToken: string;
  /** How long unpaid units stay held when the caller names no ttl. */
  readonly reservationTtlSeconds: number;
  /** How often the expiry job looks for reservations past their time. */
  readonly expiryIntervalMs: number;
}

/** Builds the inventory subgraph without listening; its reservation expiry job runs until `stop`. */
export async function createInventorySubgraph(config: InventoryConfig, deps: ServiceDeps) {
  const { pool, logger, metrics } = deps;
  const db = createInventoryDb(pool);
  const relay = createServiceRelay(deps);
  registerStockGauges(db, metrics);
  const stockAdmin = createStockAdmin({ db, onEventsWritten: relay.nudge });
  const stockReports = createStockReports(db);
  const reservations = createReservations({ db, defaultTtlSeconds: config.reservationTtlSeconds, onEventsWritten: relay.nudge });
  const expiry = createExpiryJob({ reservations, intervalMs: config.expiryIntervalMs, logger: logger.child({ component: 'reservation-expiry' }) });
  const server = await createSubgraphServer<InventoryContext>({
    name: 'inventory',
    // Its public fields carry @cacheControl hints: the gateway caches anonymous reads of them.
    cacheHints: true,
    typeDefs: inventoryTypeDefs,
    resolvers,
    config,
    deps,
    procedures: createReservationProcedures(reservations),
    createContext: (base) => ({
      ...base,
      stockAdmin,
      stockReports,
      reservations,
      stockByProductId: createBatchLoader(
        (ids) =>
          db
            .select()
            .from(stock)
            .where(inArray(stock.productId, [...ids])),
        (row) => row.productId,
      ),
      stockByParentProduct: createGroupLoader(
        (ids) =>
          db
            .select()
            .from(stock)
            .where(inArray(stock.parentProductId, [...ids])),
        (row) => row.parentProductId,
      ),
    }),
  });
  expiry.start();
  return { ...server, relay, reservations, stop: expiry.stop };
}
