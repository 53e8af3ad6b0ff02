import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '@rtc/service-kit';
import { cacheTagsOfFetch, evictedTagsOf } from './cache-tags';

const event = (type: DomainEvent['type'], payload: Record<string, unknown>): DomainEvent => ({
  id: 'e1',
  type,
  aggregateType: 'x',
  aggregateId: '0',
  occurredAt: new Date(0).toISOString(),
  payload,
});

describe('cache tags', () => {
  it('name an entity fetch by each entity it read and by its type in that subgraph', () => {
    const representations = [
      { __typename: 'Product', id: '12' },
      { __typename: 'Product', id: '13' },
    ];
    expect(cacheTagsOfFetch('inventory', { representations }).sort()).toEqual(['Product:12', 'Product:13', 'inventory:Product']);
  });

  it('name any other fetch by its subgraph, as it may come to include other entities', () => {
    expect(cacheTagsOfFetch('catalog', { first: 10 })).toEqual(['catalog:root']);
    expect(cacheTagsOfFetch('catalog', undefined)).toEqual(['catalog:root']);
    expect(cacheTagsOfFetch('catalog', { representations: [{ __typename: 'Product', sku: 'A' }] })).toEqual(['catalog:root']);
  });

  it('evict what a stock change, a product change and a category change make stale', () => {
    expect(evictedTagsOf(event('StockChanged', { productId: '12' }))).toEqual(['Product:12', 'ProductVariant:12', 'inventory:root']);
    expect(evictedTagsOf(event('StockChanged', { productId: '12', variantId: '1000000000003' }))).toEqual([
      'Product:12',
      'ProductVariant:1000000000003',
      'inventory:root',
    ]);
    expect(evictedTagsOf(event('ProductChanged', { productId: '12', fields: ['price'] }))).toEqual([
      'Product:12',
      'catalog:root',
      'catalog:Category',
      'catalog:ProductVariant',
    ]);
    expect(evictedTagsOf(event('CategoryChanged', { categoryId: '3' }))).toEqual(['Category:3', 'catalog:root']);
    expect(evictedTagsOf(event('OrderPlaced', { orderId: '1' }))).toEqual([]);
  });
});
