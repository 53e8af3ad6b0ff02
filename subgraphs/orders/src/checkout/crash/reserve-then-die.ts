// Runs the real checkout in a process of its own and kills that process (SIGKILL) the moment inventory has reserved
// the stock, before the order is written: the crash the checkout reconciler exists for. Used by checkout-reconciler.test.ts.
import { createInternalClient, createLogger, createMysqlPool } from '@rtc/service-kit';
import { createCatalog } from '../../clients/catalog';
import { createInventory } from '../../clients/inventory';
import { createOrdersDb } from '../../db/client';
import { createPricingPolicies } from '../../totals/order-totals';
import { createCheckout } from '../place-order';

const [databaseUrl, catalogUrl, inventoryUrl, internalToken, userId, idempotencyKey, productId, quantity] = process.argv.slice(2);
if (!databaseUrl || !catalogUrl || !inventoryUrl || !internalToken || !userId || !idempotencyKey || !productId || !quantity) {
  throw new Error('usage: reserve-then-die <database-url> <catalog-url> <inventory-url> <internal-token> <user-id> <idempotency-key> <product-id> <quantity>');
}

const client = (baseUrl: string) => createInternalClient({ baseUrl, internalToken });
const inventory = createInventory(client(inventoryUrl));
const checkout = createCheckout({
  db: createOrdersDb(createMysqlPool({ url: databaseUrl, connectionLimit: 1 })),
  catalog: createCatalog(client(catalogUrl)),
  inventory: {
    ...inventory,
    async reserve(...args) {
      const status = await inventory.reserve(...args);
      process.kill(process.pid, 'SIGKILL');
      return status;
    },
  },
  logger: createLogger({ service: 'orders', level: 'silent' }),
  reservationTtlSeconds: 1_020,
  pricing: createPricingPolicies(),
  onPlaced: () => undefined,
});
await checkout.placeOrder({ userId, role: 'CUSTOMER' }, { idempotencyKey, lines: [{ productId, quantity: Number(quantity) }] });
throw new Error('the checkout finished: the process should have died after reserving');
