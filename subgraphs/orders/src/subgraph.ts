import { readFileSync } from 'node:fs';
import { asc, inArray } from 'drizzle-orm';
import { parse } from 'graphql';
import {
  createBatchLoader,
  createBreakerStateGauge,
  createCircuitBreaker,
  createGroupLoader,
  createInternalClient,
  createLeasedJob,
  createServiceRelay,
  createSubgraphServer,
  type CircuitBreakerOptions,
  type ServiceDeps,
} from '@rtc/service-kit';
import { createSalesAnalytics } from './analytics/sales-analytics';
import { createCarts } from './carts/carts';
import { createCheckoutIntents } from './checkout/checkout-intents';
import { createCheckoutReconciler } from './checkout/checkout-reconciler';
import { createCheckout } from './checkout/place-order';
import { createCachedCatalog } from './clients/cached-catalog';
import { createCatalog, type Catalog } from './clients/catalog';
import { createInventory, type Inventory } from './clients/inventory';
import type { OrdersContext } from './context';
import { createOrdersDb } from './db/client';
import { orderLines, orders } from './db/schema';
import { createUnitsSoldProcedure } from './internal/units-sold';
import { createExpirySweeper } from './lifecycle/expiry-sweeper';
import { createOrderLifecycle } from './lifecycle/order-lifecycle';
import { createOrderMetrics } from './orders/order-metrics';
import { createRuleBasedPaymentProvider, type PaymentProvider } from './payments/payment-provider';
import { resolvers } from './resolvers';
import { createPricingPolicies, type PricingConfig } from './totals/order-totals';

export const ordersTypeDefs = parse(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));

export interface OrdersConfig {
  readonly production: boolean;
  readonly internalToken: string;
  readonly catalogUrl: string;
  readonly inventoryUrl: string;
  /** How long a catalog read may take before checkout fails with SERVICE_UNAVAILABLE; default 800 ms. */
  readonly catalogTimeoutMs?: number;
  /**
   * How long checkout may answer a variant from memory when catalog's ProductChanged event for it does not come;
   * default 30 s, 0 asks catalog every time.
   */
  readonly catalogCacheTtlMs?: number;
  /** How long a reservation call may take; default 3 s. */
  readonly inventoryTimeoutMs?: number;
  /** When calls to catalog or inventory start failing at once rather than waiting out their deadline. */
  readonly breaker?: CircuitBreakerOptions;
  readonly storeTimeZone: string;
  readonly storeCurrency: string;
  /** PENDING orders are cancelled this long after they were placed. */
  readonly paymentTtlSeconds: number;
  /** How often unpaid orders are expired; 0 leaves it to whoever calls `sweeper.sweep()`. */
  readonly expirySweepSeconds: number;
  /** How often checkouts that reserved but never wrote their order are looked for; 0 leaves it to `reconcileCheckouts()`. */
  readonly checkoutReconcileSeconds?: number;
  /** A checkout without its order this long after it began reserving is abandoned and its stock released. */
  readonly checkoutGraceSeconds?: number;
  /** The rule-based payment provider declines charges above this many minor units. */
  readonly paymentMaxAmount: number;
  /** Shipping and tax on top of the lines; left out, orders cost the sum of their lines. */
  readonly pricing?: PricingConfig;
  /** A guest cart is deleted this long after its last change; default 7 days. */
  readonly guestCartTtlSeconds?: number;
}

export interface OrdersOverrides {
  readonly catalog?: Catalog;
  readonly inventory?: Inventory;
  readonly payments?: PaymentProvider;
}

const defaultGuestCartTtlSeconds = 7 * 24 * 3600;
const defaultCatalogCacheTtlMs = 30_000;

// Inventory keeps an unpaid order's stock a little longer than the order waits, so the sweep releases it first.
const reservationGraceSeconds = 120;

/** Builds the orders subgraph without listening. */
export async function createOrdersSubgraph(config: OrdersConfig, deps: ServiceDeps, overrides: OrdersOverrides = {}) {
  const { pool, logger, metrics } = deps;
  const db = createOrdersDb(pool);
  const relay = createServiceRelay(deps);
  const breakerState = createBreakerStateGauge(metrics.registry);
  const catalogClient = () =>
    createCatalog(
      createInternalClient({
        baseUrl: config.catalogUrl,
        internalToken: config.internalToken,
        timeoutMs: config.catalogTimeoutMs ?? 800,
        tracer: deps.tracer,
        direct: () => deps.internalEndpoints?.endpointOf('catalog'),
        breaker: createCircuitBreaker('catalog', config.breaker, breakerState),
      }),
    );
  const catalogCacheTtlMs = config.catalogCacheTtlMs ?? defaultCatalogCacheTtlMs;
  // An overridden catalog (tests) changes without events, so it is asked every time.
  const cachedCatalog =
    overrides.catalog || catalogCacheTtlMs === 0 ? undefined : createCachedCatalog({ catalog: catalogClient(), bus: deps.bus, ttlMs: catalogCacheTtlMs });
  const catalog: Catalog = overrides.catalog ?? cachedCatalog ?? catalogClient();
  const inventory =
    overrides.inventory ??
    createInventory(
      createInternalClient({
        baseUrl: config.inventoryUrl,
        internalToken: config.internalToken,
        timeoutMs: config.inventoryTimeoutMs ?? 3_000,
        tracer: deps.tracer,
        direct: () => deps.internalEndpoints?.endpointOf('inventory'),
        breaker: createCircuitBreaker('inventory', config.breaker, breakerState),
      }),
    );
  const payments = overrides.payments ?? createRuleBasedPaymentProvider({ maxAmount: config.paymentMaxAmount });
  const pricing = createPricingPolicies(config.pricing);
  const orderMetrics = createOrderMetrics(metrics, db, { currencies: [config.storeCurrency] });

  const checkout = createCheckout({
    db,
    catalog,
    inventory,
    logger: logger.child({ component: 'checkout' }),
    reservationTtlSeconds: config.paymentTtlSeconds + reservationGraceSeconds,
    pricing,
    onPlaced: (order) => {
      orderMetrics.placed(order);
      relay.nudge();
    },
  });
  const lifecycle = createOrderLifecycle({
    db,
    inventory,
    payments,
    logger: logger.child({ component: 'order-lifecycle' }),
    paymentTtlSeconds: config.paymentTtlSeconds,
    onStatusChanged: (order, previousStatus) => {
      if (order.status === 'PAID') orderMetrics.paid(order);
      if (order.status === 'CANCELLED') orderMetrics.cancelled(order, previousStatus === 'PAID');
      relay.nudge();
    },
  });
  const sweeper = createExpirySweeper({ lifecycle, pool, intervalSeconds: config.expirySweepSeconds, logger: logger.child({ component: 'order-sweeper' }) });
  const reconcileCheckouts = createCheckoutReconciler({
    intents: createCheckoutIntents(db),
    inventory,
    logger: logger.child({ component: 'checkout-reconciler' }),
    graceSeconds: config.checkoutGraceSeconds ?? 30,
    metrics,
  });
  const reconciler = createLeasedJob({
    name: 'orders.checkout-reconcile',
    pool,
    intervalMs: (config.checkoutReconcileSeconds ?? 15) * 1000,
    logger: logger.child({ component: 'checkout-reconciler' }),
    run: () => reconcileCheckouts(),
  });
  const carts = createCarts({
    db,
    catalog,
    storeCurrency: config.storeCurrency,
    pricing,
    guestCartTtlSeconds: config.guestCartTtlSeconds ?? defaultGuestCartTtlSeconds,
  });
  const analytics = createSalesAnalytics({ db, timeZone: config.storeTimeZone, storeCurrency: config.storeCurrency });

  const server = await createSubgraphServer<OrdersContext>({
    name: 'orders',
    typeDefs: ordersTypeDefs,
    resolvers,
    config,
    deps,
    // Catalog ranks BEST_SELLING listings by these figures.
    procedures: [createUnitsSoldProcedure(db)],
    createContext: (base) => ({
      ...base,
      db,
      checkout,
      lifecycle,
      carts,
      analytics,
      orderById: createBatchLoader(
        (ids) =>
          db
            .select()
            .from(orders)
            .where(inArray(orders.id, [...ids])),
        (row) => row.id,
      ),
      linesByOrderId: createGroupLoader(
        (ids) =>
          db
            .select()
            .from(orderLines)
            .where(inArray(orderLines.orderId, [...ids]))
            .orderBy(asc(orderLines.orderId), asc(orderLines.productId)),
        (row) => row.orderId,
      ),
    }),
  });
  sweeper.start();
  reconciler.start();
  return {
    ...server,
    relay,
    sweeper,
    lifecycle,
    reconcileCheckouts,
    stop: async () => {
      cachedCatalog?.close();
      await Promise.all([sweeper.stop(), reconciler.stop()]);
    },
  };
}
