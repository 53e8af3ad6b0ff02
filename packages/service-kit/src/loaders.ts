import DataLoader from 'dataloader';

/**
 * A per-request loader that turns every key asked for in one tick into one query,
 * so federated entity lookups cost one SQL statement per entity type.
 * `cache: false` for a long-lived loader that batches but leaves caching to its owner.
 */
export function createBatchLoader<K extends string | number, V>(
  fetchMany: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (value: V) => K,
  { cache = true }: { cache?: boolean } = {},
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(
    async (keys) => {
      const rows = await fetchMany(keys);
      const byKey = new Map<K, V>();
      for (const row of rows) byKey.set(keyOf(row), row);
      return keys.map((key) => byKey.get(key) ?? null);
    },
    { cache },
  );
}

/** Entity ids are decimal strings of unsigned bigints; anything else is unknown and resolves to null. */
export function parseNumericId(id: string): number | null {
  if (!/^\d{1,15}$/.test(id)) return null;
  return Number(id);
}

/**
 * Like createBatchLoader, for one-to-many lookups (an order's lines): one query for every key asked for in one
 * tick, each key getting its own rows in the order the query returned them (an empty list when none).
 */
export function createGroupLoader<K extends string | number, V>(
  fetchMany: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (value: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of await fetchMany(keys)) groups.get(keyOf(row))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}
