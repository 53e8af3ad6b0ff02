/**
 * Which sold-out products to restock now. Many shoppers hit the same empty shelf at once; one delivery per
 * product within `cooldownMs` is enough.
 */
export function createRestockPlanner(cooldownMs: number) {
  const lastOrdered = new Map<string, number>();
  return {
    due(productIds: readonly string[], now: number): string[] {
      const due: string[] = [];
      for (const id of new Set(productIds)) {
        const last = lastOrdered.get(id);
        if (last !== undefined && now - last < cooldownMs) continue;
        lastOrdered.set(id, now);
        due.push(id);
      }
      return due;
    },
    /** A delivery that failed may be tried again at once. */
    failed(productId: string): void {
      lastOrdered.delete(productId);
    },
  };
}
