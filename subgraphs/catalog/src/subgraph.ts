import { readFileSync } from 'node:fs';
import { and, asc, inArray, isNull } from 'drizzle-orm';
import { parse } from 'graphql';
import { createBatchLoader, createGroupLoader, createServiceRelay, createSubgraphServer, type ServiceDeps } from '@rtc/service-kit';
import { createCategories } from './catalog/categories';
import { createProducts } from './catalog/products';
import { createVariants } from './catalog/variants';
import type { CatalogContext } from './context';
import { createCatalogDb } from './db/client';
import { categories, products, productVariants } from './db/schema';
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
  const variantService = createVariants(db, relay.nudge);
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
      variants: variantService,
      variantById: createBatchLoader(
        (ids) =>
          db
            .select()
            .from(productVariants)
            .where(inArray(productVariants.id, [...ids])),
        (row) => row.id,
      ),
      variantsByProduct: createGroupLoader(
        (ids) =>
          db
            .select()
            .from(productVariants)
            .where(and(inArray(productVariants.productId, [...ids]), isNull(productVariants.removedAt)))
            .orderBy(asc(productVariants.productId), asc(productVariants.position), asc(productVariants.id)),
        (row) => row.productId,
      ),
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
