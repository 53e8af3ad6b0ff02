import type { InternalClient, Money } from '@rtc/service-kit';

/** What checkout and carts need to know about a product, as the catalog says now. */
export interface CatalogProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly active: boolean;
  readonly price: Money;
}

export interface Catalog {
  /** One `_entities` call for all ids; unknown ids map to null. */
  products(ids: readonly string[]): Promise<Map<string, CatalogProduct | null>>;
}

/** Catalog's `checkout-products` procedure: one entry per id asked, null when unknown. */
export function createCatalog(client: InternalClient): Catalog {
  return {
    async products(ids) {
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
