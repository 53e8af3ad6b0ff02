import { badInput, type Money } from '@rtc/service-kit';
import { averageOrderValue } from './sales-window';

/** One placed order as the live statistics need it (from an OrderPlaced event). */
export interface SaleEvent {
  readonly orderId: string;
  /** Epoch milliseconds. */
  readonly placedAt: number;
  /** Order total in minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly units: number;
  /** How many orders the event stands for: 1 for an order, more for a minute of history read back from the rollups. */
  readonly orders?: number;
}

/** The `SalesStats` of the schema. */
export interface SalesStats {
  readonly windowSeconds: number;
  readonly orders: number;
  readonly revenue: Money;
  readonly units: number;
  readonly averageOrderValue: Money;
  readonly ordersPerMinute: number;
  readonly at: Date;
}

export interface RollingStatsOptions {
  /** Epoch milliseconds. */
  readonly now: number;
  readonly windowSeconds: number;
  readonly currency: string;
}

export const minWindowSeconds = 10;
export const maxWindowSeconds = 3600;

export function validateWindowSeconds(windowSeconds: number, argument = 'windowSeconds'): number {
  if (!Number.isInteger(windowSeconds) || windowSeconds < minWindowSeconds || windowSeconds > maxWindowSeconds) {
    throw badInput(argument, `must be between ${minWindowSeconds} and ${maxWindowSeconds}`);
  }
  return windowSeconds;
}

/**
 * Sales of the orders placed in the trailing window (now - windowSeconds, now] in one currency.
 * Orders stamped slightly after `now` (clocks of two hosts) count as just placed.
 */
export function rollingSalesStats(events: Iterable<SaleEvent>, { now, windowSeconds, currency }: RollingStatsOptions): SalesStats {
  const since = now - windowSeconds * 1000;
  let orders = 0;
  let revenue = 0;
  let units = 0;
  for (const event of events) {
    if (event.placedAt <= since || event.currency !== currency) continue;
    orders += event.orders ?? 1;
    revenue += event.amount;
    units += event.units;
  }
  return {
    windowSeconds,
    orders,
    revenue: { amount: revenue, currency },
    units,
    averageOrderValue: { amount: averageOrderValue(revenue, orders), currency },
    ordersPerMinute: orders / (windowSeconds / 60),
    at: new Date(now),
  };
}

/**
 * The recent orders a live view keeps: placed orders in, cancelled ones out (a cancellation takes the order out
 * of the figures, as in the rollups), older than `retainSeconds` forgotten. Duplicated events count once.
 */
export interface SalesWindow {
  add(event: SaleEvent): void;
  /** `at`: when the cancellation happened, epoch milliseconds. */
  cancel(orderId: string, at: number): void;
  stats(options: RollingStatsOptions): SalesStats;
  /** Forgets orders placed, and cancellations made, before now - retainSeconds; returns how many orders remain. */
  prune(now: number): number;
}

export function createSalesWindow({ retainSeconds = maxWindowSeconds }: { retainSeconds?: number } = {}): SalesWindow {
  const events = new Map<string, SaleEvent>();
  // Remembered for a while, so an OrderPlaced arriving after its cancellation is not counted.
  const cancelled = new Map<string, number>();
  return {
    add(event) {
      if (!cancelled.has(event.orderId)) events.set(event.orderId, event);
    },
    cancel(orderId, at) {
      events.delete(orderId);
      cancelled.set(orderId, at);
    },
    stats(options) {
      return rollingSalesStats(events.values(), options);
    },
    prune(now) {
      const since = now - retainSeconds * 1000;
      for (const [orderId, event] of events) if (event.placedAt <= since) events.delete(orderId);
      for (const [orderId, at] of cancelled) if (at <= since) cancelled.delete(orderId);
      return events.size;
    },
  };
}
