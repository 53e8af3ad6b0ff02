import { and, asc, desc, eq, gte, lt, ne, sql, type SQL } from 'drizzle-orm';
import { badInput, bucketStarts, type Bucket, type Money } from '@rtc/service-kit';
import type { OrdersDb } from '../db/client';
import { customerStats, orders, productSalesByMinute, salesByMinute, variantSalesByMinute } from '../db/schema';
import { productReference, userReference, variantReference, type ProductReference, type UserReference, type VariantReference } from '../orders/references';
import { averageOrderValue, previousWindow, relativeChange, salesWindow, type SalesWindow } from './sales-window';

/** Orders, revenue, units and average order value of one kind of sales (gross, net, or the deprecated standing figures). */
export interface SalesFiguresValue {
  readonly orders: number;
  readonly revenue: Money;
  readonly units: number;
  readonly averageOrderValue: Money;
}

export interface SalesPointValue extends SalesFiguresValue {
  readonly start: Date;
  readonly gross: SalesFiguresValue;
  readonly net: SalesFiguresValue;
}

type SalesChangeValue = { orders: number | null; revenue: number | null; units: number | null; averageOrderValue: number | null };

export interface SalesTotalsValue extends SalesPointValue {
  readonly from: Date;
  readonly to: Date;
}

export interface SalesSummaryValue {
  readonly current: Omit<SalesTotalsValue, 'start'>;
  readonly previous: Omit<SalesTotalsValue, 'start'>;
  readonly change: SalesChangeValue;
  readonly grossChange: SalesChangeValue;
  readonly netChange: SalesChangeValue;
}

export interface ProductSalesFiguresValue {
  readonly units: number;
  readonly revenue: Money;
  readonly orders: number;
}

export interface ProductSalesValue {
  readonly product: ProductReference;
  readonly units: number;
  readonly revenue: Money;
  readonly orders: number;
  readonly gross: ProductSalesFiguresValue;
  readonly net: ProductSalesFiguresValue;
}

export interface VariantSalesValue extends ProductSalesValue {
  readonly variant: VariantReference;
}

export interface CustomerSpendValue {
  readonly user: UserReference;
  readonly orders: number;
  readonly spend: Money;
  readonly netOrders: number;
  readonly netSpend: Money;
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
  /** As topProducts, per variant; `productId` narrows it to one product's variants. */
  topVariants(from: Date, to: Date, limit?: number | null, currency?: string | null, productId?: number | null): Promise<VariantSalesValue[]>;
  customers(from: Date, to: Date, limit?: number | null, currency?: string | null): Promise<CustomerStatsValue>;
}

export const maxRankingSize = 100;

const number = (expression: SQL) => sql<number>`COALESCE(${expression}, 0)`.mapWith(Number);

/** The summed figures of a sales ranking over a per-minute rollup (per product or per variant); see rankedFigures. */
function rankedSums(table: typeof productSalesByMinute | typeof variantSalesByMinute) {
  return {
    units: sql<number>`SUM(${table.units})`.mapWith(Number).as('units_sold'),
    revenue: sql<number>`SUM(${table.revenue})`.mapWith(Number).as('revenue_sold'),
    orders: sql<number>`SUM(${table.orders})`.mapWith(Number),
    grossUnits: number(sql`SUM(${table.grossUnits})`),
    grossRevenue: number(sql`SUM(${table.grossRevenue})`),
    grossOrders: number(sql`SUM(${table.grossOrders})`),
    netUnits: number(sql`SUM(${table.netUnits})`),
    netRevenue: number(sql`SUM(${table.netRevenue})`),
    netOrders: number(sql`SUM(${table.netOrders})`),
  };
}

type RankedSums = { [K in keyof ReturnType<typeof rankedSums>]: number };

function rankedFigures(row: RankedSums, currency: string): Omit<ProductSalesValue, 'product'> {
  return {
    units: row.units,
    revenue: { amount: row.revenue, currency },
    orders: row.orders,
    gross: { units: row.grossUnits, revenue: { amount: row.grossRevenue, currency }, orders: row.grossOrders },
    net: { units: row.netUnits, revenue: { amount: row.netRevenue, currency }, orders: row.netOrders },
  };
}

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

/** The sums of every measure of the per-minute sales rollup, over the rows a query selects. */
const salesSums = {
  orders: number(sql`SUM(${salesByMinute.orders})`),
  revenue: number(sql`SUM(${salesByMinute.revenue})`),
  units: number(sql`SUM(${salesByMinute.units})`),
  grossOrders: number(sql`SUM(${salesByMinute.grossOrders})`),
  grossRevenue: number(sql`SUM(${salesByMinute.grossRevenue})`),
  grossUnits: number(sql`SUM(${salesByMinute.grossUnits})`),
  netOrders: number(sql`SUM(${salesByMinute.netOrders})`),
  netRevenue: number(sql`SUM(${salesByMinute.netRevenue})`),
  netUnits: number(sql`SUM(${salesByMinute.netUnits})`),
};

type SalesSums = { [K in keyof typeof salesSums]: number };

function figures(orders: number, revenue: number, units: number, currency: string): SalesFiguresValue {
  return { orders, revenue: { amount: revenue, currency }, units, averageOrderValue: { amount: averageOrderValue(revenue, orders), currency } };
}

/** The deprecated standing figures at the top level, gross and net beside them. */
function salesFigures(sums: SalesSums | undefined, currency: string) {
  const row = sums ?? { orders: 0, revenue: 0, units: 0, grossOrders: 0, grossRevenue: 0, grossUnits: 0, netOrders: 0, netRevenue: 0, netUnits: 0 };
  return {
    ...figures(row.orders, row.revenue, row.units, currency),
    gross: figures(row.grossOrders, row.grossRevenue, row.grossUnits, currency),
    net: figures(row.netOrders, row.netRevenue, row.netUnits, currency),
  };
}

function changeOf(current: SalesFiguresValue, previous: SalesFiguresValue): SalesChangeValue {
  return {
    orders: relativeChange(current.orders, previous.orders),
    revenue: relativeChange(current.revenue.amount, previous.revenue.amount),
    units: relativeChange(current.units, previous.units),
    averageOrderValue: relativeChange(current.averageOrderValue.amount, previous.averageOrderValue.amount),
  };
}

/**
 * The analytics queries of DESIGN §4, read from the per-minute rollups: gross sales (orders placed in the window),
 * net sales (of those, paid and not cancelled or refunded since) and the deprecated figures of orders not
 * cancelled; customer behaviour from the orders themselves and first-order tracking.
 */
export function createSalesAnalytics({ db, timeZone, storeCurrency }: { db: OrdersDb; timeZone: string; storeCurrency: string }): SalesAnalytics {
  const inWindow = (window: SalesWindow, currency: string) =>
    and(eq(salesByMinute.currency, currency), gte(salesByMinute.minute, window.from), lt(salesByMinute.minute, window.to));

  const totals = async (window: SalesWindow, currency: string) => {
    const [row] = await db.select(salesSums).from(salesByMinute).where(inWindow(window, currency));
    return { from: window.from, to: window.to, ...salesFigures(row, currency) };
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
          ...salesSums,
        })
        .from(salesByMinute)
        .where(inWindow(window, currency))
        .groupBy(sql`bucket`);
      const byBucket = new Map(rows.map((row) => [row.bucket, row]));
      return starts.map((start, index) => ({ start: new Date(start), ...salesFigures(byBucket.get(index), currency) }));
    },

    async summary(from, to, currencyArg) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const window = salesWindow(from, to);
      const [current, previous] = await Promise.all([totals(window, currency), totals(previousWindow(window), currency)]);
      return {
        current,
        previous,
        change: changeOf(current, previous),
        grossChange: changeOf(current.gross, previous.gross),
        netChange: changeOf(current.net, previous.net),
      };
    },

    async topProducts(from, to, limit, currencyArg) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const window = salesWindow(from, to);
      const table = productSalesByMinute;
      const rows = await db
        .select({ productId: table.productId, ...rankedSums(table) })
        .from(table)
        .where(and(eq(table.currency, currency), gte(table.minute, window.from), lt(table.minute, window.to)))
        .groupBy(table.productId)
        .having(sql`units_sold > 0`)
        .orderBy(desc(sql`units_sold`), desc(sql`revenue_sold`), asc(table.productId))
        .limit(rankingSize(limit));
      return rows.map((row) => ({ product: productReference(row.productId), ...rankedFigures(row, currency) }));
    },

    async topVariants(from, to, limit, currencyArg, productId) {
      const currency = currencyOf(currencyArg, storeCurrency);
      const window = salesWindow(from, to);
      const table = variantSalesByMinute;
      const rows = await db
        .select({ variantId: table.variantId, productId: sql<number>`MIN(${table.productId})`.mapWith(Number), ...rankedSums(table) })
        .from(table)
        .where(
          and(
            eq(table.currency, currency),
            gte(table.minute, window.from),
            lt(table.minute, window.to),
            productId == null ? undefined : eq(table.productId, productId),
          ),
        )
        .groupBy(table.variantId)
        .having(sql`units_sold > 0`)
        .orderBy(desc(sql`units_sold`), desc(sql`revenue_sold`), asc(table.variantId))
        .limit(rankingSize(limit));
      return rows.map((row) => ({ variant: variantReference(row.variantId), product: productReference(row.productId), ...rankedFigures(row, currency) }));
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
      const isNet = sql`${orders.status} IN ('PAID', 'SHIPPED', 'DELIVERED')`;
      const top = await db
        .select({
          userId: orders.userId,
          orders: orderCount,
          spend,
          netOrders: number(sql`SUM(${isNet})`),
          netSpend: number(sql`SUM(IF(${isNet}, ${orders.totalAmount}, 0))`),
        })
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
        topCustomers: top.map((row) => ({
          user: userReference(row.userId),
          orders: row.orders,
          spend: { amount: row.spend, currency },
          netOrders: row.netOrders,
          netSpend: { amount: row.netSpend, currency },
        })),
      };
    },
  };
}
