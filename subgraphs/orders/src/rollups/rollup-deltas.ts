/** An order as the rollups see it. */
export interface RollupOrder {
  readonly userId: number;
  readonly placedAt: Date;
  readonly currency: string;
  readonly totalAmount: number;
  readonly lines: readonly { readonly productId: number; readonly quantity: number; readonly lineAmount: number }[];
}

export interface SalesDelta {
  readonly currency: string;
  readonly minute: Date;
  readonly orders: number;
  readonly revenue: number;
  readonly units: number;
}

export interface ProductSalesDelta {
  readonly currency: string;
  readonly minute: Date;
  readonly productId: number;
  readonly orders: number;
  readonly units: number;
  readonly revenue: number;
}

export interface RollupDeltas {
  /** Sorted by (currency, minute): the primary key order, so concurrent writers lock rows in the same order. */
  readonly sales: readonly SalesDelta[];
  /** Sorted by (currency, minute, productId). */
  readonly products: readonly ProductSalesDelta[];
}

/** The UTC minute an instant falls in. */
export function minuteOf(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
}

/**
 * What `orders` add to (sign 1) or take from (sign -1) the per-minute rollups of the minutes they were placed in.
 * Live checkout, cancellation and the history seeder all go through here, so the rollups always match the orders.
 */
export function rollupDeltas(orders: readonly RollupOrder[], sign: 1 | -1 = 1): RollupDeltas {
  const sales = new Map<string, { currency: string; minute: Date; orders: number; revenue: number; units: number }>();
  const products = new Map<string, { currency: string; minute: Date; productId: number; orders: number; units: number; revenue: number }>();
  for (const order of orders) {
    const minute = minuteOf(order.placedAt);
    const key = `${order.currency}|${minute.getTime()}`;
    const bucket = sales.get(key) ?? { currency: order.currency, minute, orders: 0, revenue: 0, units: 0 };
    bucket.orders += sign;
    bucket.revenue += sign * order.totalAmount;
    for (const line of order.lines) {
      bucket.units += sign * line.quantity;
      const productKey = `${key}|${line.productId}`;
      const product = products.get(productKey) ?? { currency: order.currency, minute, productId: line.productId, orders: 0, units: 0, revenue: 0 };
      product.orders += sign;
      product.units += sign * line.quantity;
      product.revenue += sign * line.lineAmount;
      products.set(productKey, product);
    }
    sales.set(key, bucket);
  }
  const byMinute = (a: { currency: string; minute: Date }, b: { currency: string; minute: Date }) =>
    a.currency.localeCompare(b.currency) || a.minute.getTime() - b.minute.getTime();
  return {
    sales: [...sales.values()].sort(byMinute),
    products: [...products.values()].sort((a, b) => byMinute(a, b) || a.productId - b.productId),
  };
}

export interface CustomerFirstOrder {
  readonly userId: number;
  readonly firstOrderAt: Date;
  readonly orders: number;
}

/** Per customer: the earliest of `orders` and how many there are; sorted by user id. */
export function customerDeltas(orders: readonly Pick<RollupOrder, 'userId' | 'placedAt'>[]): CustomerFirstOrder[] {
  const customers = new Map<number, { userId: number; firstOrderAt: Date; orders: number }>();
  for (const order of orders) {
    const known = customers.get(order.userId);
    if (!known) customers.set(order.userId, { userId: order.userId, firstOrderAt: order.placedAt, orders: 1 });
    else {
      known.orders += 1;
      if (order.placedAt < known.firstOrderAt) known.firstOrderAt = order.placedAt;
    }
  }
  return [...customers.values()].sort((a, b) => a.userId - b.userId);
}
