/** Orders, their revenue (minor units) and their units. */
export interface SalesTotals {
  readonly orders: number;
  readonly revenue: number;
  readonly units: number;
}

/**
 * A day's sales both ways: gross, every order placed, whatever happened to it since; net, those of them paid and
 * not cancelled or refunded since.
 */
export interface DaySales {
  readonly gross: SalesTotals;
  readonly net: SalesTotals;
}

/** A placed order as a sales tick carries it. */
export interface PlacedOrder {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly placedAt: number;
  readonly total: number;
  readonly currency: string;
  readonly units: number;
}

/** Today so far (since midnight in the store's time zone) and yesterday up to the same time of day. */
export interface SalesToday {
  /** Epoch milliseconds of today's midnight in the store's time zone. */
  readonly dayStart: number;
  readonly currency: string;
  readonly today: DaySales;
  readonly yesterday: DaySales | null;
  /**
   * When the snapshot was asked for, in epoch milliseconds of the server's clock: it counts every order placed before
   * then (those were committed by the time it was read), so their ticks, replayed after a reconnect or arriving after
   * the snapshot, are not counted again.
   */
  readonly readAt: number;
  /** Orders added from ticks since the last snapshot, so a repeated tick is counted once. */
  readonly counted: ReadonlySet<string>;
}

export interface SalesChange {
  readonly orders: number | null;
  readonly revenue: number | null;
  readonly units: number | null;
  readonly averageOrderValue: number | null;
}

export const noSales: SalesTotals = { orders: 0, revenue: 0, units: 0 };
export const noDaySales: DaySales = { gross: noSales, net: noSales };

export function salesTodayFromSnapshot(dayStart: number, currency: string, today: DaySales, yesterday: DaySales | null, readAt: number): SalesToday {
  return { dayStart, currency, today, yesterday, readAt, counted: new Set() };
}

/**
 * Adds a placed order to today's gross sales; it enters net once paid, which the next snapshot shows. Orders of an
 * earlier day, of another currency, already in the snapshot or already counted change nothing.
 */
export function addPlacedOrder(state: SalesToday, order: PlacedOrder): SalesToday {
  if (order.placedAt < state.dayStart || order.placedAt < state.readAt || order.currency !== state.currency || state.counted.has(order.id)) return state;
  const counted = new Set(state.counted).add(order.id);
  const { gross } = state.today;
  return {
    ...state,
    counted,
    today: { ...state.today, gross: { orders: gross.orders + 1, revenue: gross.revenue + order.total, units: gross.units + order.units } },
  };
}

/** revenue / orders in minor units, rounded; 0 without orders (the API's rule). */
export function averageOrderValue({ orders, revenue }: SalesTotals): number {
  return orders > 0 ? Math.round(revenue / orders) : 0;
}

const relative = (current: number, previous: number) => (previous === 0 ? null : (current - previous) / previous);

function changeOf(today: SalesTotals, yesterday: SalesTotals | undefined): SalesChange {
  if (!yesterday) return { orders: null, revenue: null, units: null, averageOrderValue: null };
  return {
    orders: relative(today.orders, yesterday.orders),
    revenue: relative(today.revenue, yesterday.revenue),
    units: relative(today.units, yesterday.units),
    averageOrderValue: relative(averageOrderValue(today), averageOrderValue(yesterday)),
  };
}

/** Today against yesterday at the same time of day, gross and net; null parts where yesterday had nothing. */
export function changeAgainstYesterday({ today, yesterday }: SalesToday): { gross: SalesChange; net: SalesChange } {
  return { gross: changeOf(today.gross, yesterday?.gross), net: changeOf(today.net, yesterday?.net) };
}
