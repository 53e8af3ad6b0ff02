import { z } from 'zod';
import { defineInternalProcedure, parseNumericId, runnerOn, type Pool } from '@rtc/service-kit';

/** At most this many ids per call: an order's lines are bounded well below it. */
export const maxCheckoutProducts = 100;

/** What checkout prices an order with; withdrawn products come back too, marked inactive. */
export interface CheckoutProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly active: boolean;
  readonly price: { readonly amount: number; readonly currency: string };
}

const input = z.object({ ids: z.array(z.string().max(32)).min(1).max(maxCheckoutProducts) });

interface ProductPriceRow {
  id: number;
  sku: string;
  name: string;
  active: number;
  price_amount: number;
  currency: string;
}

// One text for every call, not built per call by Drizzle: mysql2 spreads the ids into the list.
const productsByIds = 'select `id`, `sku`, `name`, `active`, `price_amount`, `currency` from `products` where `id` in (?)';

/**
 * `checkout-products`: the products an order names, one entry per id in the order asked (null when unknown),
 * read in one statement. The internal twin of `_entities` on Product for orders' checkout and carts.
 */
export function createCheckoutProductsProcedure(pool: Pool) {
  const runner = runnerOn(pool);
  return defineInternalProcedure({
    name: 'checkout-products',
    input,
    async run({ ids }): Promise<{ products: (CheckoutProduct | null)[] }> {
      const numeric = ids.map(parseNumericId);
      const known = numeric.filter((id): id is number => id !== null);
      const rows = known.length === 0 ? [] : await runner.run<ProductPriceRow[]>(productsByIds, [known]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return {
        products: numeric.map((id) => {
          const row = id === null ? undefined : byId.get(id);
          if (!row) return null;
          return { id: String(row.id), sku: row.sku, name: row.name, active: row.active === 1, price: { amount: row.price_amount, currency: row.currency } };
        }),
      };
    },
  });
}
