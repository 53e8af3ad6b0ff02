import { createInProcessBus, newEventId, type EventBus } from '@rtc/service-kit';
import { describe, expect, it } from 'vitest';
import { createCachedCatalog } from './cached-catalog';
import type { Catalog, CatalogProduct } from './catalog';

/** Catalog as a table the test edits, answering the way the real procedure does and counting what it was asked. */
function tableCatalog() {
  const table = new Map<string, CatalogProduct>();
  const asked: string[][] = [];
  let holding = false;
  let release = () => {};
  const catalog: Catalog = {
    async variants(ids) {
      asked.push([...ids]);
      // Read now, answer later: the test may change the table while the answer is on its way.
      const answer = new Map(ids.map((id) => [id, table.get(id) ?? null]));
      if (holding) {
        holding = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      return answer;
    },
  };
  const put = (id: string, productId: string, amount: number, active = true) =>
    table.set(id, { id, productId, sku: `SKU-${id}`, name: `Product ${productId}`, title: 'Default', active, price: { amount, currency: 'EUR' } });
  return {
    catalog,
    put,
    asked,
    /** The next call reads the table, then waits for `release()` before answering. */
    holdNextAnswer: () => (holding = true),
    release: () => release(),
  };
}

const changed = (bus: EventBus, productId: string) =>
  bus.publish({
    id: newEventId(),
    type: 'ProductChanged',
    aggregateType: 'Product',
    aggregateId: productId,
    occurredAt: new Date().toISOString(),
    payload: { productId, fields: ['priceAmount'] },
  });

const prices = (found: Map<string, CatalogProduct | null>) => Object.fromEntries([...found].map(([id, variant]) => [id, variant?.price.amount ?? null]));

describe('cached catalog', () => {
  it('asks catalog once for variants it has seen, and again for a product once its ProductChanged arrives', async () => {
    const bus = createInProcessBus();
    const source = tableCatalog();
    source.put('1', '1', 900);
    source.put('1000000000001', '1', 1_100);
    source.put('2', '2', 2_400);
    const cached = createCachedCatalog({ catalog: source.catalog, bus });

    expect(prices(await cached.variants(['1', '1000000000001', '2']))).toEqual({ '1': 900, '1000000000001': 1_100, '2': 2_400 });
    expect(prices(await cached.variants(['2', '1']))).toEqual({ '2': 2_400, '1': 900 });
    expect(source.asked).toEqual([['1', '1000000000001', '2']]);

    source.put('1000000000001', '1', 1_250);
    await changed(bus, '1');
    // Both variants of product 1 leave; product 2 stays.
    expect(prices(await cached.variants(['1', '1000000000001', '2']))).toEqual({ '1': 900, '1000000000001': 1_250, '2': 2_400 });
    expect(source.asked.at(-1)).toEqual(['1', '1000000000001']);
    cached.close();
  });

  it('asks again for ids catalog did not know, so a new product sells at once', async () => {
    const bus = createInProcessBus();
    const source = tableCatalog();
    const cached = createCachedCatalog({ catalog: source.catalog, bus });
    expect(prices(await cached.variants(['7']))).toEqual({ '7': null });
    source.put('7', '7', 500);
    expect(prices(await cached.variants(['7']))).toEqual({ '7': 500 });
    expect(source.asked).toEqual([['7'], ['7']]);
  });

  it('uses an answer that was in flight across a change but does not keep it', async () => {
    const bus = createInProcessBus();
    const source = tableCatalog();
    source.put('3', '3', 1_000);
    const cached = createCachedCatalog({ catalog: source.catalog, bus });
    source.holdNextAnswer();
    const inFlight = cached.variants(['3']);
    source.put('3', '3', 1_500);
    await changed(bus, '3');
    source.release();
    expect(prices(await inFlight)).toEqual({ '3': 1_000 });
    expect(prices(await cached.variants(['3']))).toEqual({ '3': 1_500 });
    expect(source.asked).toEqual([['3'], ['3']]);
  });

  it('asks again once an entry is older than its time to live, for a change whose event never came', async () => {
    const bus = createInProcessBus();
    const source = tableCatalog();
    source.put('4', '4', 700);
    const cached = createCachedCatalog({ catalog: source.catalog, bus, ttlMs: 30 });
    await cached.variants(['4']);
    source.put('4', '4', 0, false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await cached.variants(['4'])).get('4')?.active).toBe(false);
    expect(source.asked).toEqual([['4'], ['4']]);
  });
});
