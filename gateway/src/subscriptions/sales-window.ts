import type { Money } from '@rtc/service-kit';

export interface Sale {
  readonly orderId: string;
  /** Epoch milliseconds of the commit. */
  readonly at: number;
  readonly total: Money;
  readonly units: number;
}

export interface SalesStats {
  readonly windowSeconds: number;
  readonly orders: number;
  readonly revenue: Money;
  readonly units: number;
  readonly averageOrderValue: Money;
  readonly ordersPerMinute: number;
  readonly at: string;
}

export const MIN_STATS_WINDOW_SECONDS = 10;
export const MAX_STATS_WINDOW_SECONDS = 3_600;

/**
 * The trailing window of placed, not cancelled orders that `salesStats` reads every second.
 * Sales arrive in commit order, so the list stays sorted and old sales fall off its front.
 */
export function createSalesWindow(currency: string, maxWindowSeconds = MAX_STATS_WINDOW_SECONDS) {
  let sales: Sale[] = [];
  const cancelled = new Set<string>();

  const prune = (now: number) => {
    const horizon = now - maxWindowSeconds * 1000;
    let drop = 0;
    while (drop < sales.length && sales[drop]!.at < horizon) drop++;
    if (drop > 0) {
      for (const sale of sales.slice(0, drop)) cancelled.delete(sale.orderId);
      sales = sales.slice(drop);
    }
  };

  return {
    add(sale: Sale): void {
      if (sale.total.currency !== currency || cancelled.has(sale.orderId)) return;
      const last = sales.at(-1);
      sales.push(sale);
      if (last && last.at > sale.at) sales.sort((a, b) => a.at - b.at);
    },
    cancel(orderId: string): void {
      const index = sales.findIndex((sale) => sale.orderId === orderId);
      if (index >= 0) sales.splice(index, 1);
      else cancelled.add(orderId);
    },
    stats(windowSeconds: number, now = Date.now()): SalesStats {
      prune(now);
      const since = now - windowSeconds * 1000;
      let orders = 0;
      let revenue = 0;
      let units = 0;
      for (let i = sales.length - 1; i >= 0; i--) {
        const sale = sales[i]!;
        if (sale.at < since) break;
        if (sale.at > now) continue;
        orders += 1;
        revenue += sale.total.amount;
        units += sale.units;
      }
      return {
        windowSeconds,
        orders,
        revenue: { amount: revenue, currency },
        units,
        averageOrderValue: { amount: orders === 0 ? 0 : Math.round(revenue / orders), currency },
        ordersPerMinute: Math.round((orders / (windowSeconds / 60)) * 100) / 100,
        at: new Date(now).toISOString(),
      };
    },
    get size(): number {
      return sales.length;
    },
  };
}

export type SalesWindow = ReturnType<typeof createSalesWindow>;
