import { readFileSync } from 'node:fs';
import { and, asc, inArray, isNull } from 'drizzle-orm';
import { parse } from 'graphql';
import {
  createBatchLoader,
  createGroupLoader,
  createInternalClient,
  createServiceRelay,
  createSubgraphServer,
  serviceUnavailable,
  type ServiceDeps,
} from '@rtc/service-kit';
import { childrenOfCategories, createCategories } from './catalog/categories';
import { createProducts, imagesOfProducts } from './catalog/products';
import { createSalesRanking, type SalesRanking } from './catalog/sales-ranking';
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
  /**
   * Orders' GraphQL URL, for the units sold that BEST_SELLING ranks by; a function when orders listens only after
   * catalog is built. Without it, BEST_SELLING listings fail with SERVICE_UNAVAILABLE.
   */
  readonly ordersUrl?: string | (() => string);
  /** How long BEST_SELLING waits for orders' figures; default 2 s. */
  readonly ordersTimeoutMs?: number;
}

const noSalesFigures: SalesRanking = {
  unitsSold: () => Promise.reject(serviceUnavailable()),
};

/** Builds the catalog subgraph without listening. */
export async function createCatalogSubgraph(config: CatalogConfig, deps: ServiceDeps) {
  const { pool } = deps;
  const db = createCatalogDb(pool);
  // Publishes ProductChanged and CategoryChanged, which evict the gateway's cached reads.
  const relay = createServiceRelay(deps);
  const sales = config.ordersUrl
    ? createSalesRanking(
        createInternalClient({
          baseUrl: config.ordersUrl,
          internalToken: config.internalToken,
          timeoutMs: config.ordersTimeoutMs ?? 2_000,
          tracer: deps.tracer,
          direct: () => deps.internalEndpoints?.endpointOf('orders'),
        }),
      )
    : noSalesFigures;
  const productService = createProducts(db, sales, relay.nudge);
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
      imagesByProductId: createGroupLoader(
        (ids) => imagesOfProducts(db, ids),
        (row) => row.productId,
      ),
      childrenByCategoryId: createGroupLoader(
        (ids) => childrenOfCategories(db, ids),
        (row) => row.parentId!,
      ),
    }),
  });
  return { ...server, relay };
}
