import type { GraphQLClient, Money } from '@rtc/service-kit';

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

const productsQuery = /* GraphQL */ `
  query OrdersCatalogProducts($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Product {
        id
        sku
        name
        active
        price {
          amount
          currency
        }
      }
    }
  }
`;

export function createCatalog(client: GraphQLClient): Catalog {
  return {
    async products(ids) {
      const unique = [...new Set(ids)];
      const found = new Map<string, CatalogProduct | null>(unique.map((id) => [id, null]));
      if (unique.length === 0) return found;
      const data = await client.request<{ _entities: (CatalogProduct | null)[] }>(
        productsQuery,
        { representations: unique.map((id) => ({ __typename: 'Product', id })) },
        { idempotent: true },
      );
      data._entities.forEach((product, index) => {
        if (product) found.set(unique[index]!, product);
      });
      return found;
    },
  };
}
