import type { DomainEvent } from '@rtc/service-kit';

/**
 * What a cached answer was made from, named per subgraph fetch of its plan: an entity fetch by each entity it read
 * (`Product:12`) and by its type in that subgraph (`catalog:Product`); any other fetch (a listing, a root field) by
 * its subgraph alone (`catalog:root`), since it may come to include other entities after a change.
 */
export function cacheTagsOfFetch(subgraph: string, variables: Readonly<Record<string, unknown>> | undefined): string[] {
  const representations = variables?.['representations'];
  if (!Array.isArray(representations)) return [`${subgraph}:root`];
  const tags = new Set<string>();
  for (const representation of representations as unknown[]) {
    const { __typename: typename, id } = (representation ?? {}) as { __typename?: unknown; id?: unknown };
    // An entity keyed otherwise cannot be named by an event: the whole subgraph's answers stand for it.
    if (typeof typename !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return [`${subgraph}:root`];
    tags.add(`${typename}:${id}`).add(`${subgraph}:${typename}`);
  }
  return [...tags];
}

/**
 * The cached answers an event makes stale. A sale, a cancellation or a restock changes one product's stock: the
 * answers that read it. A price, name or active change also reorders or refills listings that never held the product,
 * so every listing goes, and every catalog read of a category (its product page may change too).
 */
export function evictedTagsOf(event: DomainEvent): string[] {
  const id = (field: string) => String(event.payload[field] ?? event.aggregateId);
  switch (event.type) {
    // A variant's stock moves its product's sum too; events written before variants name the product alone.
    case 'StockChanged':
      return [`Product:${id('productId')}`, `ProductVariant:${String(event.payload['variantId'] ?? id('productId'))}`, 'inventory:root'];
    // A variant added, changed or removed changes its product's page, and the catalog's reads of variants.
    case 'ProductChanged':
      return [`Product:${id('productId')}`, 'catalog:root', 'catalog:Category', 'catalog:ProductVariant'];
    case 'CategoryChanged':
      return [`Category:${id('categoryId')}`, 'catalog:root'];
    default:
      return [];
  }
}
