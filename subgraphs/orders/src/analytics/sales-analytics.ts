import { and, asc, desc, eq, gte, lt, ne, sql, type SQL } from 'drizzle-orm';
import { badInput, bucketStarts, type Bucket, type Money } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { customerStats, orders, productSalesByMinute, salesByMinute } from '../db/schema';
import { productReference, userReference, type ProductReference, type UserReference } from '../orders/references';
import { averageOrderValue, previousWindow, relativeChange, salesWindow, type SalesWindow } from './sales-window';

export interface SalesPointValue {
  readonly start: Date;
  readonly orders: number;
  readonly revenue: Money;
  readonly units: number;
  readonly averageOrderValue: Money;
}

export interface SalesTotalsValue extends SalesPointValue {
  readonly from: Date;
  readonly to: Date;
}

export interface SalesSummaryValue {
  readonly current: Omit<SalesTotalsValue, 'start'>;
  readonly previous: Omit<SalesTotalsValue, 'start'>;
  readonly change: { orders: number | null; revenue: number | null; units: number | null; averageOrderValue: number | null };
}

export interface ProductSalesValue {
  readonly product: ProductReference;
  readonly units: number;
  readonly revenue: Money;
  readonly orders: number;
}

export interface CustomerSpendValue {
  readonly user: UserReference;
  readonly orders: number;
  readonly spend: Money;
}

export interface CustomerStatsValue {
  readonly customers: number;
  readonly newCustomers: number;
  readonly returningCustomers: number;
  readonly returningCustomerRate: number;
  readonly repeatPurchaseRate: number;
  readonly topCustomers: CustomerSpendValue[];
}

export interface SalesAnalytics {
  series(from: Date, to: Date, bucket: Bucket, currency?: string | null): Promise<SalesPointValue[]>;
  summary(from: Date, to: Date, currency?: string | null): Promise<SalesSummaryValue>;
  topProducts(from: Date, to: Date, limit?: number | null, currency?: string | null): Promise<ProductSalesValue[]>;
  customers(from: Date, to: Date, limit?: number | null, currency?: string | null): Promise<CustomerStatsValue>;
}

export const maxRankingSize = 100;

const number = (expression: SQL) => sql<number>`COALESCE(${expression}, 0)`.mapWith(Number);

function rankingSize(limit: number | null | undefined): number {
  const size = limit ?? 10;
  if (!Number.isInteger(size) || size < 1 || size > maxRankingSize) throw badInput('limit', `must be between 1 and ${maxRankingSize}`);
  return size;
}

function currencyOf(currency: string | null | undefined, fallback: string): string {
  if (currency === null || currency === undefined) return fallback;
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currency', 'must be an ISO 4217 code such as USD');
  return currency;
}

/**
 * The analytics queries of DESIGN §4: sales are orders placed in the window and not cancelled, read from the
 * per-minute rollups; customer behaviour from the orders themselves and first-order tracking.
 */
export function createSalesAnalytics({ db, timeZone, storeCurrency }: { db: OrdersDb; timeZone: string; storeCurrency: string }): SalesAnalytics {
  const inWindow = (window: SalesWindow, currency: string) =>
    and(eq(salesByMinute.currency, currency), gte(salesByMinute.minute, window.from), lt(salesByMinute.minute, window.to));

  const totals = async (window: SalesWindow, currency: string) => {
    const [row] = await db
      .select({
        orders: number(sql`SUM(${salesByMinute.orders})`),
        revenue: number(sql`SUM(${salesByMinute.revenue})`),
        units: number(sql`SUM(${salesByMinute.units})`),
      })
      .from(salesByMinute)
      .where(inWindow(window, currency));
    const { orders: count = 0, revenue = 0, units = 0 } = row ?? {};
    return {
      from: window.from,
      to: window.to,
      orders: count,
      revenue: { amount: revenue, currency },
      units,
      averageOrderValue: { amount: averageOrderValue(revenue, count), currency },
    };
  };

  return {
    async series(from, to, bucket, currencyArg) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const window = salesWindow(from, to, bucket);
      const starts = bucketStarts(window.from.getTime(), window.to.getTime(), bucket, timeZone);
      // INTERVAL(n, b1, b2, …) is the index of the last boundary <= n: the bucket of each minute, by binary search.
      const boundaries = starts.slice(1).map((start) => Math.floor(start / 60_000));
      const minuteNumber = sql`TIMESTAMPDIFF(MINUTE, '1970-01-01 00:00:00', ${salesByMinute.minute})`;
      const bucketOf =
        boundaries.length > 0
          ? sql<number>`INTERVAL(${minuteNumber}, ${sql.join(
              boundaries.map((boundary) => sql`${boundary}`),
              sql`, `,
            )})`
          : sql<number>`0`;
      const rows = await db
        .select({
          bucket: bucketOf.mapWith(Number).as('bucket'),
          orders: number(sql`SUM(${salesByMinute.orders})`),
          revenue: number(sql`SUM(${salesByMinute.revenue})`),
          units: number(sql`SUM(${salesByMinute.units})`),
        })
        .from(salesByMinute)
        .where(inWindow(window, currency))
        .groupBy(sql`bucket`);
      const byBucket = new Map(rows.map((row) => [row.bucket, row]));
      return starts.map((start, index) => {
        const row = byBucket.get(index);
        const revenue = row?.revenue ?? 0;
        const count = row?.orders ?? 0;
        return {
          start: new Date(start),
          orders: count,
          revenue: { amount: revenue, currency },
          units: row?.units ?? 0,
          averageOrderValue: { amount: averageOrderValue(revenue, count), currency },
        };
      });
    },

    async summary(from, to, currencyArg) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const window = salesWindow(from, to);
      const [current, previous] = await Promise.all([totals(window, currency), totals(previousWindow(window), currency)]);
      return {
        current,
        previous,
        change: {
          orders: relativeChange(current.orders, previous.orders),
          revenue: relativeChange(current.revenue.amount, previous.revenue.amount),
          units: relativeChange(current.units, previous.units),
          averageOrderValue: relativeChange(current.averageOrderValue.amount, previous.averageOrderValue.amount),
        },
      };
    },

    async topProducts(from, to, limit, currencyArg) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const size = rankingSize(limit);
      const window = salesWindow(from, to);
      const units = sql<number>`SUM(${productSalesByMinute.units})`.mapWith(Number).as('units_sold');
      const revenue = sql<number>`SUM(${productSalesByMinute.revenue})`.mapWith(Number).as('revenue_sold');
      const rows = await db
        .select({
          productId: productSalesByMinute.productId,
          units,
          revenue,
          orders: sql<number>`SUM(${productSalesByMinute.orders})`.mapWith(Number),
        })
        .from(productSalesByMinute)
        .where(and(eq(productSalesByMinute.currency, currency), gte(productSalesByMinute.minute, window.from), lt(productSalesByMinute.minute, window.to)))
        .groupBy(productSalesByMinute.productId)
        .having(sql`units_sold > 0`)
        .orderBy(desc(sql`units_sold`), desc(sql`revenue_sold`), asc(productSalesByMinute.productId))
        .limit(size);
      return rows.map((row) => ({
        product: productReference(row.productId),
        units: row.units,
        revenue: { amount: row.revenue, currency },
        orders: row.orders,
      }));
    },

    async customers(from, to, limit, currencyArg) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const size = rankingSize(limit);
      const window = salesWindow(from, to);
      const standing = and(eq(orders.currency, currency), ne(orders.status, 'CANCELLED'), gte(orders.placedAt, window.from), lt(orders.placedAt, window.to));
      const perCustomer = db
        .select({
          userId: orders.userId,
          orders: sql<number>`COUNT(*)`.as('orders_in_window'),
          firstInWindow: sql`MIN(${orders.placedAt})`.as('first_in_window'),
        })
        .from(orders)
        .where(standing)
        .groupBy(orders.userId)
        .as('per_customer');
      const firstOrderAt = sql`COALESCE(${customerStats.firstOrderAt}, ${perCustomer.firstInWindow})`;
      const [counts] = await db
        .select({
          customers: number(sql`COUNT(*)`),
          returning: number(sql`SUM(${firstOrderAt} < ${window.from})`),
          repeat: number(sql`SUM(${perCustomer.orders} >= 2)`),
        })
        .from(perCustomer)
        .leftJoin(customerStats, eq(customerStats.userId, perCustomer.userId));
      const spend = sql<number>`SUM(${orders.totalAmount})`.mapWith(Number).as('spend');
      const orderCount = sql<number>`COUNT(*)`.mapWith(Number).as('order_count');
      const top = await db
        .select({ userId: orders.userId, orders: orderCount, spend })
        .from(orders)
        .where(standing)
        .groupBy(orders.userId)
        .orderBy(desc(sql`spend`), desc(sql`order_count`), asc(orders.userId))
        .limit(size);
      const customers = counts?.customers ?? 0;
      const returningCustomers = counts?.returning ?? 0;
      return {
        customers,
        newCustomers: customers - returningCustomers,
        returningCustomers,
        returningCustomerRate: customers > 0 ? returningCustomers / customers : 0,
        repeatPurchaseRate: customers > 0 ? (counts?.repeat ?? 0) / customers : 0,
        topCustomers: top.map((row) => ({ user: userReference(row.userId), orders: row.orders, spend: { amount: row.spend, currency } })),
      };
    },
  };
}
