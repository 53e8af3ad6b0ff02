/** A product's place in a BEST_SELLING ranking. */
export interface RankedProduct {
  readonly id: number;
  readonly units: number;
}

/** Products by units sold, most first, then by id, newest first: BEST_SELLING's order, a total one. */
export function rankBySales(ids: readonly number[], unitsOf: ReadonlyMap<number, number>): RankedProduct[] {
  return ids.map((id) => ({ id, units: unitsOf.get(id) ?? 0 })).sort((a, b) => b.units - a.units || b.id - a.id);
}

/**
 * The `count` entries that follow `position` (the last product served, with the units it was ranked by) in the
 * ranking, or its first ones without a position: a keyset over (units, id), so a product that left the listing
 * between two pages moves no other across the boundary.
 */
export function entriesAfter(ranked: readonly RankedProduct[], position: RankedProduct | null, count: number): RankedProduct[] {
  const start = position ? ranked.findIndex((entry) => entry.units < position.units || (entry.units === position.units && entry.id < position.id)) : 0;
  return start < 0 ? [] : ranked.slice(start, start + count);
}
