/** An order as the rollups see it. */
export interface RollupOrder {
  readonly userId: number;
  readonly placedAt: Date;
  readonly currency: string;
  readonly totalAmount: number;
  /** `variantId` omitted: the product's default variant, whose id is the product's. */
  readonly lines: readonly { readonly productId: number; readonly variantId?: number; readonly quantity: number; readonly lineAmount: number }[];
}

/**
 * How much an order counts, per measure, in a change of the rollups: `standing` (placed and not cancelled, the
 * deprecated figures), `gross` (placed, whatever happened since) and `net` (paid and not cancelled since).
 */
export interface RollupWeights {
  readonly standing: -1 | 0 | 1;
  readonly gross: -1 | 0 | 1;
  readonly net: -1 | 0 | 1;
}

/** A newly placed order: in standing and gross; in net once paid. */
export const placedWeights: RollupWeights = { standing: 1, gross: 1, net: 0 };
/** A payment captured. */
export const paidWeights: RollupWeights = { standing: 0, gross: 0, net: 1 };

/** A cancellation: out of the standing figures, and out of net when it had been paid (then refunded); gross keeps it. */
export function cancelledWeights(wasPaid: boolean): RollupWeights {
  return { standing: -1, gross: 0, net: wasPaid ? -1 : 0 };
}

const paidStatuses: ReadonlySet<string> = new Set(['PAID', 'SHIPPED', 'DELIVERED']);

/** Everything an order of history in `status` adds at once: the sum of its placement, payment and cancellation. */
export function historyWeights(status: string): RollupWeights {
  return { standing: status === 'CANCELLED' ? 0 : 1, gross: 1, net: paidStatuses.has(status) ? 1 : 0 };
}

interface Figures {
  orders: number;
  revenue: number;
  units: number;
  grossOrders: number;
  grossRevenue: number;
  grossUnits: number;
  netOrders: number;
  netRevenue: number;
  netUnits: number;
}

export interface SalesDelta extends Readonly<Figures> {
  readonly currency: string;
  readonly minute: Date;
}

export interface ProductSalesDelta extends Readonly<Figures> {
  readonly currency: string;
  readonly minute: Date;
  readonly productId: number;
}

export interface VariantSalesDelta extends ProductSalesDelta {
  readonly variantId: number;
}

export interface RollupDeltas {
  /** Sorted by (currency, minute): the primary key order, so concurrent writers lock rows in the same order. */
  readonly sales: readonly SalesDelta[];
  /** Sorted by (currency, minute, productId). */
  readonly products: readonly ProductSalesDelta[];
  /** Sorted by (currency, minute, variantId). */
  readonly variants: readonly VariantSalesDelta[];
}

/** The UTC minute an instant falls in. */
export function minuteOf(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
}

const zero = (): Figures => ({ orders: 0, revenue: 0, units: 0, grossOrders: 0, grossRevenue: 0, grossUnits: 0, netOrders: 0, netRevenue: 0, netUnits: 0 });

function addTo(figures: Figures, weights: RollupWeights, orders: number, revenue: number, units: number): void {
  figures.orders += weights.standing * orders;
  figures.revenue += weights.standing * revenue;
  figures.units += weights.standing * units;
  figures.grossOrders += weights.gross * orders;
  figures.grossRevenue += weights.gross * revenue;
  figures.grossUnits += weights.gross * units;
  figures.netOrders += weights.net * orders;
  figures.netRevenue += weights.net * revenue;
  figures.netUnits += weights.net * units;
}

/**
 * What `orders` add to or take from the per-minute rollups of the minutes they were placed in, each as `weights`
 * says (one set for all, or one per order). Checkout, payment, cancellation and the history seeder all go through
 * here, so the rollups always match the orders.
 */
export function rollupDeltas<T extends RollupOrder>(
  orders: readonly T[],
  weights: RollupWeights | ((order: T) => RollupWeights) = placedWeights,
): RollupDeltas {
  const weightsOf = typeof weights === 'function' ? weights : () => weights;
  const sales = new Map<string, Figures & { currency: string; minute: Date }>();
  const products = new Map<string, Figures & { currency: string; minute: Date; productId: number }>();
  const variants = new Map<string, Figures & { currency: string; minute: Date; productId: number; variantId: number }>();
  for (const order of orders) {
    const own = weightsOf(order);
    const minute = minuteOf(order.placedAt);
    const key = `${order.currency}|${minute.getTime()}`;
    const bucket = sales.get(key) ?? { currency: order.currency, minute, ...zero() };
    addTo(bucket, own, 1, order.totalAmount, 0);
    // An order counts once per product, however many of its variants it holds.
    const seen = new Set<number>();
    for (const line of order.lines) {
      addTo(bucket, own, 0, 0, line.quantity);
      const productKey = `${key}|${line.productId}`;
      const product = products.get(productKey) ?? { currency: order.currency, minute, productId: line.productId, ...zero() };
      addTo(product, own, seen.has(line.productId) ? 0 : 1, line.lineAmount, line.quantity);
      seen.add(line.productId);
      products.set(productKey, product);
      const variantId = line.variantId ?? line.productId;
      const variantKey = `${key}|${variantId}`;
      const variant = variants.get(variantKey) ?? { currency: order.currency, minute, productId: line.productId, variantId, ...zero() };
      addTo(variant, own, 1, line.lineAmount, line.quantity);
      variants.set(variantKey, variant);
    }
    sales.set(key, bucket);
  }
  const byMinute = (a: { currency: string; minute: Date }, b: { currency: string; minute: Date }) =>
    a.currency.localeCompare(b.currency) || a.minute.getTime() - b.minute.getTime();
  return {
    sales: [...sales.values()].sort(byMinute),
    products: [...products.values()].sort((a, b) => byMinute(a, b) || a.productId - b.productId),
    variants: [...variants.values()].sort((a, b) => byMinute(a, b) || a.variantId - b.variantId),
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
