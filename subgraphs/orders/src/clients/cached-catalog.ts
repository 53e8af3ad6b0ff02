import { createTaggedLru, type EventBus } from '@rtc/service-kit';
import type { Catalog, CatalogProduct } from './catalog';

export interface CachedCatalogOptions {
  readonly catalog: Catalog;
  /** Catalog's `ProductChanged` events arrive here and evict the product's variants. */
  readonly bus: EventBus;
  /** The longest a variant is answered from memory: it bounds staleness while the event log cannot be read. */
  readonly ttlMs?: number;
  readonly maxVariants?: number;
}

export interface CachedCatalog extends Catalog {
  /** Stops listening for catalog's events. */
  close(): void;
}

const productTag = (productId: string) => `Product:${productId}`;

/**
 * Catalog's answers kept in this process until catalog says the product changed, so a checkout asks catalog only for
 * variants it has not seen since: a price, a withdrawal or a removed variant reaches checkout as soon as its event
 * does (milliseconds), and within `ttlMs` at worst. Unknown ids are never kept, so a new product sells at once.
 */
export function createCachedCatalog({ catalog, bus, ttlMs = 30_000, maxVariants = 50_000 }: CachedCatalogOptions): CachedCatalog {
  const variants = createTaggedLru<CatalogProduct>({ maxEntries: maxVariants });
  // Bumped by every change: an answer that was in flight across one may predate it, so it is used but not kept.
  let changes = 0;
  const unsubscribe = bus.subscribe((event) => {
    if (event.type !== 'ProductChanged') return;
    changes += 1;
    variants.evict([productTag(event.aggregateId)]);
  });
  return {
    async variants(ids) {
      const found = new Map<string, CatalogProduct | null>();
      const missing = new Set<string>();
      for (const id of ids) {
        const known = variants.get(id);
        if (known) found.set(id, known);
        else missing.add(id);
      }
      if (missing.size === 0) return found;
      const changesBefore = changes;
      const fetched = await catalog.variants([...missing]);
      const keep = changes === changesBefore;
      for (const [id, variant] of fetched) {
        found.set(id, variant);
        if (keep && variant) variants.set(id, variant, ttlMs, [productTag(variant.productId)]);
      }
      return found;
    },
    close: unsubscribe,
  };
}
