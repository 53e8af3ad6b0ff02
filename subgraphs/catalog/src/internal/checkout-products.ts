import { z } from 'zod';
import { defineInternalProcedure, parseNumericId, runnerOn, type Pool } from '@rtc/service-kit';
import { variantTitle } from '../catalog/variant-options';
import type { SelectedOptionValue } from '../db/schema';

/** At most this many ids per call: an order's lines are bounded well below it. */
export const maxCheckoutProducts = 100;

/**
 * What checkout prices an order line with: one variant, named by its id (a product's id names its default variant).
 * Withdrawn products and removed variants come back too, marked inactive.
 */
export interface CheckoutProduct {
  /** The variant's id. */
  readonly id: string;
  /** The product it is a variant of. */
  readonly productId: string;
  /** The variant's SKU. */
  readonly sku: string;
  /** The product's name. */
  readonly name: string;
  /** The variant's title, e.g. `M / Blue`, `Default` without options. */
  readonly title: string;
  readonly active: boolean;
  /** The variant's price, in its product's currency. */
  readonly price: { readonly amount: number; readonly currency: string };
}

const input = z.object({ ids: z.array(z.string().max(32)).min(1).max(maxCheckoutProducts) });

interface VariantPriceRow {
  id: number;
  product_id: number;
  sku: string;
  name: string;
  active: number;
  price_amount: number;
  currency: string;
  selected_options: string | SelectedOptionValue[];
}

// One text for every call, not built per call by Drizzle: mysql2 spreads the ids into the list.
const variantsByIds =
  'select v.`id`, v.`product_id`, v.`sku`, p.`name`, p.`active` and v.`removed_at` is null as `active`, v.`price_amount`, p.`currency`, v.`selected_options` ' +
  'from `product_variants` v join `products` p on p.`id` = v.`product_id` where v.`id` in (?)';

/**
 * `checkout-products`: the variants an order names, one entry per variant id in the order asked (null when unknown),
 * read in one statement. A product's id names its default variant, so callers that know products only keep working.
 * The internal twin of `_entities` on ProductVariant for orders' checkout and carts.
 */
export function createCheckoutProductsProcedure(pool: Pool) {
  const runner = runnerOn(pool);
  return defineInternalProcedure({
    name: 'checkout-products',
    input,
    async run({ ids }): Promise<{ products: (CheckoutProduct | null)[] }> {
      const numeric = ids.map(parseNumericId);
      const known = numeric.filter((id): id is number => id !== null);
      const rows = known.length === 0 ? [] : await runner.run<VariantPriceRow[]>(variantsByIds, [known]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return {
        products: numeric.map((id) => {
          const row = id === null ? undefined : byId.get(id);
          if (!row) return null;
          const options = typeof row.selected_options === 'string' ? (JSON.parse(row.selected_options) as SelectedOptionValue[]) : row.selected_options;
          return {
            id: String(row.id),
            productId: String(row.product_id),
            sku: row.sku,
            name: row.name,
            title: variantTitle(options),
            active: Number(row.active) === 1,
            price: { amount: row.price_amount, currency: row.currency },
          };
        }),
      };
    },
  });
}
