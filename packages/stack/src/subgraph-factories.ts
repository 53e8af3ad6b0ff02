import { serviceUnavailable, type BuiltService, type ServiceDeps } from '@rtc/service-kit';
import type { SubgraphName } from '@rtc/gateway';
import { createActivitySubgraph } from '@rtc/activity';
import { createCatalogSubgraph } from '@rtc/catalog';
import { createInventorySubgraph } from '@rtc/inventory';
import { createOrdersSubgraph } from '@rtc/orders';
import { createUsersSubgraph } from '@rtc/users';
import { developmentAttemptLimits, developmentPasswordHashing, rateLimitKeyPrefix } from './development-limits';
import type { RunningSubgraph, StackOptions } from './stack';

/** Each subgraph's factory with the configuration the stack gives it; `started` holds the subgraphs already listening. */
export async function buildSubgraph(
  name: SubgraphName,
  options: StackOptions,
  started: Partial<Record<SubgraphName, RunningSubgraph>>,
  deps: ServiceDeps,
): Promise<BuiltService> {
  const common = { production: false, internalToken: options.internalToken };
  switch (name) {
    case 'users':
      return createUsersSubgraph(
        {
          ...common,
          jwtSecret: options.jwtSecret,
          tokenTtlSeconds: 15 * 60,
          abuse: {
            redisUrl: options.redisUrl,
            keyPrefix: rateLimitKeyPrefix(options, 'users'),
            attempts: options.rateLimits?.attempts ?? developmentAttemptLimits,
            passwordHashing: developmentPasswordHashing,
          },
        },
        deps,
      );
    case 'catalog':
      return createCatalogSubgraph(
        {
          ...common,
          // Orders listens after catalog (it calls catalog at checkout): its address is read when BEST_SELLING asks.
          ordersUrl: () => {
            const orders = started.orders;
            if (!orders) throw serviceUnavailable();
            return `${orders.url}/graphql`;
          },
          ordersTimeoutMs: 5_000,
        },
        deps,
      );
    case 'inventory':
      return createInventorySubgraph({ ...common, reservationTtlSeconds: 20 * 60, expiryIntervalMs: 10_000 }, deps);
    case 'orders': {
      const { catalog, inventory } = started;
      if (!catalog || !inventory) throw new Error('orders needs catalog and inventory running first');
      return createOrdersSubgraph(
        {
          ...common,
          catalogUrl: `${catalog.url}/graphql`,
          inventoryUrl: `${inventory.url}/graphql`,
          // One event loop serves every service here: a burst of checkouts delays catalog's answers as much as orders' own.
          catalogTimeoutMs: 5_000,
          inventoryTimeoutMs: 5_000,
          storeTimeZone: options.storeTimeZone,
          storeCurrency: options.storeCurrency,
          paymentTtlSeconds: options.paymentTtlSeconds ?? 15 * 60,
          expirySweepSeconds: 5,
          paymentMaxAmount: 1_000_000,
          ...(options.orderPricing ? { pricing: options.orderPricing } : {}),
        },
        deps,
      );
    }
    case 'activity':
      return createActivitySubgraph(
        {
          ...common,
          storeTimeZone: options.storeTimeZone,
          storeCurrency: options.storeCurrency,
          retentionDays: 30,
          retentionIntervalMs: 10 * 60_000,
          flushEvents: 1_000,
          flushIntervalMs: 250,
        },
        deps,
      );
  }
}
