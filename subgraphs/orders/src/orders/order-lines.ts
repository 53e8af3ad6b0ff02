import type { OrderLineRow } from '../db/schema';

/** A stored line with the currency of its order, which prices it. */
export interface OrderLineView extends OrderLineRow {
  readonly currency: string;
}
