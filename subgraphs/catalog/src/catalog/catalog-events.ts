import type { NewEvent } from '@rtc/service-kit';

/** What a `ProductChanged` event carries: which product, and which of its fields a storefront might show differently. */
export interface ProductChangedPayload extends Record<string, unknown> {
  readonly productId: string;
  /** The product row's fields the change wrote (`priceAmount`, `active`, …); every field on creation. */
  readonly fields: readonly string[];
}

/** What a `CategoryChanged` event carries. */
export interface CategoryChangedPayload extends Record<string, unknown> {
  readonly categoryId: string;
}

export function productChangedEvent(productId: number, fields: readonly string[]): NewEvent<ProductChangedPayload> {
  const id = String(productId);
  return { type: 'ProductChanged', aggregateType: 'Product', aggregateId: id, payload: { productId: id, fields } };
}

export function categoryChangedEvent(categoryId: number): NewEvent<CategoryChangedPayload> {
  const id = String(categoryId);
  return { type: 'CategoryChanged', aggregateType: 'Category', aggregateId: id, payload: { categoryId: id } };
}
