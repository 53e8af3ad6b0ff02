import { badInput, type Money } from '@rtc/service-kit';
import { averageOrderValue } from './sales-window';

/** Orders, their totals in minor units and their units. */
export interface SaleFigures {
  readonly orders: number;
  readonly amount: number;
  readonly units: number;
}

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
  /** Gross figures; by default those above (a newly placed order counts in gross as it is). */
  readonly gross?: SaleFigures;
  /** Net figures (paid, not cancelled since); by default none, as an order is unpaid when placed. */
  readonly net?: SaleFigures;
}

/** The `SalesFigures` of the schema. */
export interface LiveSalesFigures {
  readonly orders: number;
  readonly revenue: Money;
  readonly units: number;
  readonly averageOrderValue: Money;
}

/** The `SalesStats` of the schema. */
export interface SalesStats {
  readonly windowSeconds: number;
  readonly gross: LiveSalesFigures;
  readonly net: LiveSalesFigures;
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

const noSales: SaleFigures = { orders: 0, amount: 0, units: 0 };

function liveFigures({ orders, amount, units }: SaleFigures, currency: string): LiveSalesFigures {
  return { orders, revenue: { amount, currency }, units, averageOrderValue: { amount: averageOrderValue(amount, orders), currency } };
}

/**
 * Sales of the orders placed in the trailing window (now - windowSeconds, now] in one currency: gross, net and
 * those not cancelled. Orders stamped slightly after `now` (clocks of two hosts) count as just placed.
 */
export function rollingSalesStats(events: Iterable<SaleEvent>, { now, windowSeconds, currency }: RollingStatsOptions): SalesStats {
  const since = now - windowSeconds * 1000;
  let orders = 0;
  let revenue = 0;
  let units = 0;
  const gross = { orders: 0, amount: 0, units: 0 };
  const net = { orders: 0, amount: 0, units: 0 };
  for (const event of events) {
    if (event.placedAt <= since || event.currency !== currency) continue;
    const standing = { orders: event.orders ?? 1, amount: event.amount, units: event.units };
    orders += standing.orders;
    revenue += standing.amount;
    units += standing.units;
    const eventGross = event.gross ?? standing;
    gross.orders += eventGross.orders;
    gross.amount += eventGross.amount;
    gross.units += eventGross.units;
    const eventNet = event.net ?? noSales;
    net.orders += eventNet.orders;
    net.amount += eventNet.amount;
    net.units += eventNet.units;
  }
  return {
    windowSeconds,
    gross: liveFigures(gross, currency),
    net: liveFigures(net, currency),
    orders,
    revenue: { amount: revenue, currency },
    units,
    averageOrderValue: { amount: averageOrderValue(revenue, orders), currency },
    ordersPerMinute: orders / (windowSeconds / 60),
    at: new Date(now),
  };
}

/**
 * The recent orders a live view keeps: placed orders in gross; paid ones in net; a cancellation takes the order
 * out of net and of the figures of orders not cancelled but leaves it in gross, as in the rollups. Orders placed
 * longer than `retainSeconds` ago are forgotten. Duplicated events count once.
 */
export interface SalesWindow {
  add(event: SaleEvent): void;
  /** The order's payment was captured: it enters net sales. */
  pay(orderId: string): void;
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
  const asCancelled = (event: SaleEvent): SaleEvent => ({
    ...event,
    gross: event.gross ?? { orders: event.orders ?? 1, amount: event.amount, units: event.units },
    orders: 0,
    amount: 0,
    units: 0,
    net: noSales,
  });
  return {
    add(event) {
      if (events.has(event.orderId)) return;
      events.set(event.orderId, cancelled.has(event.orderId) ? asCancelled(event) : event);
    },
    pay(orderId) {
      const event = events.get(orderId);
      if (!event || cancelled.has(orderId) || event.net) return;
      events.set(orderId, { ...event, net: { orders: event.orders ?? 1, amount: event.amount, units: event.units } });
    },
    cancel(orderId, at) {
      const event = events.get(orderId);
      if (event && !cancelled.has(orderId)) events.set(orderId, asCancelled(event));
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
