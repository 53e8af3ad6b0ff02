/** A cart line as stored: a variant of a product and its units, in the order it was added. */
export interface StoredLine {
  readonly productId: number;
  readonly variantId: number;
  readonly quantity: number;
}

export interface MergePlan {
  /** Lines the customer already had whose units grow. */
  readonly updates: StoredLine[];
  /** Guest lines the customer's cart did not have. */
  readonly inserts: StoredLine[];
}

/**
 * How a guest cart folds into a customer's: units of the same variant add up, capped at `maxLineQuantity`; new
 * products follow in the guest cart's order while the cart holds fewer than `maxLines` lines, the rest are dropped.
 */
export function mergeLines(
  own: readonly StoredLine[],
  incoming: readonly StoredLine[],
  { maxLineQuantity, maxLines }: { maxLineQuantity: number; maxLines: number },
): MergePlan {
  const held = new Map(own.map((line) => [line.variantId, line.quantity]));
  const updates: StoredLine[] = [];
  const inserts: StoredLine[] = [];
  for (const line of incoming) {
    const current = held.get(line.variantId);
    if (current !== undefined) {
      const quantity = Math.min(maxLineQuantity, current + line.quantity);
      if (quantity !== current) updates.push({ productId: line.productId, variantId: line.variantId, quantity });
      held.set(line.variantId, quantity);
    } else if (held.size < maxLines) {
      const quantity = Math.min(maxLineQuantity, line.quantity);
      inserts.push({ productId: line.productId, variantId: line.variantId, quantity });
      held.set(line.variantId, quantity);
    }
  }
  return { updates, inserts };
}
