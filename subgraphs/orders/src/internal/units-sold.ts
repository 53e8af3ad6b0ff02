import { and, asc, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { badInput, defineInternalProcedure } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { productSalesByMinute } from '../db/schema';

/** The longest window a caller may ask about: the rollups are read minute by minute. */
export const maxUnitsSoldWindowDays = 366;

const input = z.object({ from: z.iso.datetime(), to: z.iso.datetime() });

/**
 * `units-sold`: the units ordered per product over `[from, to)`, every order placed counting (gross, as the sales
 * rollups keep it, whatever happened to the order since), as `[productId, units]` pairs of the products that sold
 * any, by id. A past minute's gross figures never change, so a closed window always gets the same answer: catalog
 * ranks BEST_SELLING listings by it.
 */
export function createUnitsSoldProcedure(db: OrdersDb) {
  return defineInternalProcedure({
    name: 'units-sold',
    input,
    async run({ from, to }): Promise<{ products: [number, number][] }> {
      const [start, end] = [new Date(from), new Date(to)];
      if (start >= end) throw badInput('from', 'must be before to');
      if (end.getTime() - start.getTime() > maxUnitsSoldWindowDays * 86_400_000)
        throw badInput('to', `must be at most ${maxUnitsSoldWindowDays} days after from`);
      const units = sql<number>`SUM(${productSalesByMinute.grossUnits})`.mapWith(Number);
      const rows = await db
        .select({ productId: productSalesByMinute.productId, units })
        .from(productSalesByMinute)
        .where(and(gte(productSalesByMinute.minute, start), lt(productSalesByMinute.minute, end)))
        .groupBy(productSalesByMinute.productId)
        .having(sql`SUM(${productSalesByMinute.grossUnits}) > 0`)
        .orderBy(asc(productSalesByMinute.productId));
      return { products: rows.map((row) => [row.productId, row.units]) };
    },
  });
}
