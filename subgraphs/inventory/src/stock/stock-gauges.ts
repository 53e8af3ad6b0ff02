import { sql } from 'drizzle-orm';
import { createScrapeReading, Gauge, type ServiceMetrics } from '@rtc/service-kit';
import type { InventoryDb } from '../db/client';
import { stock } from '../db/schema';

interface StockCounts {
  readonly lowStock: number;
  readonly outOfStock: number;
}

/**
 * `rtc_products_low_stock` (some units left, at or under the threshold) and `rtc_products_out_of_stock`
 * (none left) over the products inventory holds rows for, both from one query per scrape.
 */
export function registerStockGauges(db: InventoryDb, metrics: ServiceMetrics): void {
  const readCounts = createScrapeReading<StockCounts | undefined>(() =>
    db
      .select({
        lowStock: sql<number>`COALESCE(SUM(${stock.available} > 0 AND ${stock.available} <= ${stock.lowStockThreshold}), 0)`.mapWith(Number),
        outOfStock: sql<number>`COALESCE(SUM(${stock.available} = 0), 0)`.mapWith(Number),
      })
      .from(stock)
      .then((rows) => rows[0]),
  );
  new Gauge({
    name: 'rtc_products_low_stock',
    help: 'Products with available stock above zero and at or under their low-stock threshold',
    registers: [metrics.registry],
    async collect() {
      this.set((await readCounts())?.lowStock ?? 0);
    },
  });
  new Gauge({
    name: 'rtc_products_out_of_stock',
    help: 'Products stocked by inventory with no available units',
    registers: [metrics.registry],
    async collect() {
      this.set((await readCounts())?.outOfStock ?? 0);
    },
  });
}
