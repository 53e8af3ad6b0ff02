import { isStaff, requireStaff, type Caller } from '@rtc/service-kit';
import type { ProductRow } from '../db/schema';
import type { ProductListingArgs } from './product-listing-args';

/**
 * Withdrawn products are the store's business: staff find them by id or SKU, anyone else as if unknown.
 * Entity references (old orders' lines) resolve them for everyone; that path does not come through here.
 */
export function shownTo(caller: Caller | null, product: ProductRow | null): ProductRow | null {
  if (!product || product.active || isStaff(caller)) return product;
  return null;
}

/** Listing withdrawn products (`activeOnly: false`) needs ANALYST or ADMIN; the default listing is for anyone. */
export function checkListingAllowed(caller: Caller | null, args: ProductListingArgs): void {
  if (args.filter?.activeOnly === false) requireStaff(caller);
}
