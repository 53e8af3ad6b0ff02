import { startOfZonedDay, startOfZonedWeek, weekStarts, zonedDateOf, type Money, type SqlRunner } from '@rtc/service-kit';
import type { TimeWindow } from './time-window';

export interface RetentionCohort {
  readonly weekStart: Date;
  readonly customers: number;
  readonly retention: number[];
}

export interface CustomerRetention {
  readonly from: Date;
  readonly to: Date;
  readonly customers: number;
  readonly returningCustomers: number;
  readonly returningRate: number;
  readonly cohorts: RetentionCohort[];
}

export interface DailyOrderStats {
  readonly day: string;
  readonly start: Date;
  readonly orders: number;
  readonly customers: number;
  readonly ordersPerCustomer: number;
  readonly netOrders: number;
  readonly netRevenue: Money;
  readonly averageOrderValue: Money;
}

/**
 * Returning-customer rate (an earlier order exists, even before the window) and, for each week whose first-time
 * buyers' first order fell in the window, the share of them who ordered again in each following week up to the
 * window's end. Cancelled orders are left out everywhere.
 */
export async function customerRetention(runner: SqlRunner, window: TimeWindow, timeZone: string): Promise<CustomerRetention> {
  const [counts] = await runner.run<{ customers: number | string; returning_customers: number | string | null }[]>(
    `SELECT COUNT(*) AS customers, SUM(first_ever < ?) AS returning_customers
       FROM (SELECT o.user_id, (SELECT MIN(f.placed_at) FROM order_facts f WHERE f.user_id = o.user_id AND f.status <> 'CANCELLED') AS first_ever
               FROM order_facts o
              WHERE o.placed_at >= ? AND o.placed_at < ? AND o.status <> 'CANCELLED'
              GROUP BY o.user_id) AS buyers`,
    [window.from, window.from, window.to],
  );
  // Each first-time buyer of the window with every later order of theirs up to its end.
  const orders = await runner.run<{ user_id: number; first_order: Date; placed_at: Date }[]>(
    `SELECT o.user_id, firsts.first_order, o.placed_at
       FROM (SELECT user_id, MIN(placed_at) AS first_order FROM order_facts WHERE status <> 'CANCELLED' GROUP BY user_id
              HAVING first_order >= ? AND first_order < ?) AS firsts
       JOIN order_facts o ON o.user_id = firsts.user_id AND o.status <> 'CANCELLED' AND o.placed_at < ?`,
    [window.from, window.to, window.to],
  );
  const weeks = weekStarts(window.from.getTime(), window.to.getTime(), timeZone);
  const weekIndex = new Map(weeks.map((start, index) => [start, index]));
  const cohortOf = new Map<number, number>();
  const buyersOf = weeks.map(() => new Set<number>());
  const returnersOf = weeks.map((_, index) => weeks.slice(index + 1).map(() => new Set<number>()));
  for (const row of orders) {
    const cohort = weekIndex.get(startOfZonedWeek(row.first_order.getTime(), timeZone));
    if (cohort === undefined) continue;
    cohortOf.set(row.user_id, cohort);
    buyersOf[cohort]!.add(row.user_id);
    const week = weekIndex.get(startOfZonedWeek(row.placed_at.getTime(), timeZone));
    if (week !== undefined && week > cohort) returnersOf[cohort]![week - cohort - 1]!.add(row.user_id);
  }
  const cohorts = weeks.flatMap((start, index) => {
    const customers = buyersOf[index]!.size;
    if (customers === 0) return [];
    return [{ weekStart: new Date(start), customers, retention: returnersOf[index]!.map((returners) => returners.size / customers) }];
  });
  const customers = Number(counts?.customers ?? 0);
  const returningCustomers = Number(counts?.returning_customers ?? 0);
  return { from: window.from, to: window.to, customers, returningCustomers, returningRate: customers > 0 ? returningCustomers / customers : 0, cohorts };
}

/** Order figures per whole store-local day overlapping the window; gross counts every order placed, net the paid and not cancelled. */
export async function dailyOrderStats(runner: SqlRunner, window: TimeWindow, timeZone: string, currency: string): Promise<DailyOrderStats[]> {
  const firstDay = startOfZonedDay(window.from.getTime(), timeZone);
  const starts: number[] = [];
  for (let start = firstDay; start < window.to.getTime(); start = startOfZonedDay(start + 26 * 3_600_000, timeZone)) starts.push(start);
  const end = startOfZonedDay(starts[starts.length - 1]! + 26 * 3_600_000, timeZone);
  const rows = await runner.run<{ user_id: number; placed_at: Date; total_amount: number | string; net: number }[]>(
    `SELECT user_id, placed_at, total_amount, (paid AND status <> 'CANCELLED') AS net
       FROM order_facts WHERE placed_at >= ? AND placed_at < ? AND currency = ?`,
    [new Date(firstDay), new Date(end), currency],
  );
  const days = new Map<string, { start: number; orders: number; customers: Set<number>; netOrders: number; netRevenue: number }>();
  for (const start of starts) days.set(zonedDateOf(start, timeZone), { start, orders: 0, customers: new Set(), netOrders: 0, netRevenue: 0 });
  for (const row of rows) {
    const day = days.get(zonedDateOf(row.placed_at.getTime(), timeZone));
    if (!day) continue;
    day.orders += 1;
    day.customers.add(row.user_id);
    if (Number(row.net) === 1) {
      day.netOrders += 1;
      day.netRevenue += Number(row.total_amount);
    }
  }
  return [...days.entries()].map(([day, figures]) => ({
    day,
    start: new Date(figures.start),
    orders: figures.orders,
    customers: figures.customers.size,
    ordersPerCustomer: figures.customers.size > 0 ? figures.orders / figures.customers.size : 0,
    netOrders: figures.netOrders,
    netRevenue: { amount: figures.netRevenue, currency },
    averageOrderValue: { amount: figures.netOrders > 0 ? Math.round(figures.netRevenue / figures.netOrders) : 0, currency },
  }));
}
