import type { InternalClient, Money } from '@rtc/service-kit';

/** What checkout and carts need to know about one variant of a product, as the catalog says now. */
export interface CatalogProduct {
  /** The variant's id (its product's id for the default variant). */
  readonly id: string;
  /** The product it is a variant of. */
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  /** E.g. `M / Blue`; `Default` without options. */
  readonly title: string;
  /** False when the product is withdrawn or the variant removed. */
  readonly active: boolean;
  /** The variant's price. */
  readonly price: Money;
}

export interface Catalog {
  /** One call for all variant ids (a product's id names its default variant); unknown ids map to null. */
  variants(ids: readonly string[]): Promise<Map<string, CatalogProduct | null>>;
}

/** Catalog's `checkout-products` procedure: one entry per variant id asked, null when unknown. */
export function createCatalog(client: InternalClient): Catalog {
  return {
    async variants(ids) {
      const unique = [...new Set(ids)];
      const found = new Map<string, CatalogProduct | null>(unique.map((id) => [id, null]));
      if (unique.length === 0) return found;
      const data = await client.call<{ products: (CatalogProduct | null)[] }>('checkout-products', { ids: unique }, { idempotent: true });
      data.products.forEach((product, index) => {
        if (product) found.set(unique[index]!, product);
      });
      return found;
    },
  };
}
