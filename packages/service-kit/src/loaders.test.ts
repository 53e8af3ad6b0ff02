import { describe, expect, it } from 'vitest';
import { createGroupLoader } from './loaders';

describe('createGroupLoader', () => {
  it('answers every key of one tick from one fetch, with an empty list for keys without rows', async () => {
    const fetched: (readonly number[])[] = [];
    const loader = createGroupLoader(
      async (keys: readonly number[]) => {
        fetched.push(keys);
        return [
          { orderId: 1, sku: 'a' },
          { orderId: 2, sku: 'b' },
          { orderId: 1, sku: 'c' },
        ];
      },
      (row) => row.orderId,
    );
    const [one, two, three] = await Promise.all([loader.load(1), loader.load(2), loader.load(3)]);
    expect(fetched).toEqual([[1, 2, 3]]);
    expect(one.map((row) => row.sku)).toEqual(['a', 'c']);
    expect(two.map((row) => row.sku)).toEqual(['b']);
    expect(three).toEqual([]);
  });
});
