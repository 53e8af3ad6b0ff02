import { serveSubgraph } from '@rtc/service-kit';
import { loadOrdersEnv } from './env';
import { createOrdersSubgraph } from './subgraph';
import { parsePercent, parseTaxRates } from './totals/order-totals';

const env = loadOrdersEnv();

await serveSubgraph({
  name: 'orders',
  port: env.PORT,
  logLevel: env.LOG_LEVEL,
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  eventLogMaxLength: env.EVENT_LOG_MAX_LENGTH,
  otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
  traceServiceName: env.OTEL_SERVICE_NAME,
  shutdown: { graceSeconds: env.SHUTDOWN_GRACE_SECONDS, delaySeconds: env.SHUTDOWN_DELAY_SECONDS },
  build: (deps) =>
    createOrdersSubgraph(
      {
        production: env.NODE_ENV === 'production',
        internalToken: env.INTERNAL_TOKEN,
        catalogUrl: env.CATALOG_URL,
        inventoryUrl: env.INVENTORY_URL,
        catalogTimeoutMs: env.CATALOG_TIMEOUT_MS,
        catalogCacheTtlMs: env.CATALOG_CACHE_TTL_MS,
        inventoryTimeoutMs: env.INVENTORY_TIMEOUT_MS,
        breaker: { failures: env.DEPENDENCY_BREAKER_FAILURES, coolOffMs: env.DEPENDENCY_BREAKER_COOL_OFF_MS },
        storeTimeZone: env.STORE_TIMEZONE,
        storeCurrency: env.STORE_CURRENCY,
        paymentTtlSeconds: env.ORDER_PAYMENT_TTL_SECONDS,
        expirySweepSeconds: env.ORDER_EXPIRY_SWEEP_SECONDS,
        checkoutReconcileSeconds: env.ORDER_CHECKOUT_RECONCILE_SECONDS,
        checkoutGraceSeconds: env.ORDER_CHECKOUT_GRACE_SECONDS,
        paymentMaxAmount: env.PAYMENT_MAX_AMOUNT,
        guestCartTtlSeconds: env.GUEST_CART_TTL_SECONDS,
        pricing: {
          shippingFee: env.SHIPPING_FLAT_FEE,
          shippingFreeFrom: env.SHIPPING_FREE_FROM ?? null,
          taxRates: parseTaxRates(env.TAX_RATES),
          defaultTaxRate: parsePercent(env.TAX_DEFAULT_RATE),
        },
      },
      deps,
    ),
});
