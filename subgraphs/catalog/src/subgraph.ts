import { readFileSync } from 'node:fs';
import { inArray } from 'drizzle-orm';
import { parse } from 'graphql';
import { createBatchLoader, createServiceRelay, createSubgraphServer, type ServiceDeps } from '@rtc/service-kit';
import { createCategories } from './catalog/categories';
import { createProducts } from './catalog/products';
import type { CatalogContext } from './context';
import { createCatalogDb } from './db/client';
import { categories, products } from './db/schema';
import { createCheckoutProductsProcedure } from './internal/checkout-products';
import { resolvers } from './resolvers';

export const catalogTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface CatalogConfig {
  readonly production: boolean;
  readonly internalToken: string;
}

/** Builds the catalog subgraph without listening. */
export async function createCatalogSubgraph(config: CatalogConfig, deps: ServiceDeps) {
  const { pool } = deps;
  const db = createCatalogDb(pool);
  // Publishes ProductChanged and CategoryChanged, which evict the gateway's cached reads.
  const relay = createServiceRelay(deps);
  const productService = createProducts(db, relay.nudge);
  const categoryService = createCategories(db, relay.nudge);
  const server = await createSubgraphServer<CatalogContext>({
    name: 'catalog',
    // Its public fields carry @cacheControl hints: the gateway caches anonymous reads of them.
    cacheHints: true,
    typeDefs: catalogTypeDefs,
    resolvers,
    config,
    deps,
    procedures: [createCheckoutProductsProcedure(pool)],
    createContext: (base) => ({
      ...base,
      products: productService,
      categories: categoryService,
      productById: createBatchLoader(
        (ids) =>
          db
            .select()
            .from(products)
            .where(inArray(products.id, [...ids])),
        (row) => row.id,
      ),
      categoryById: createBatchLoader(
        (ids) =>
          db
            .select()
            .from(categories)
            .where(inArray(categories.id, [...ids])),
        (row) => row.id,
      ),
    }),
  });
  return { ...server, relay };
}
