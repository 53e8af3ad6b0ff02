import type {
  DashboardFunnelStatsSubscription,
  DashboardInventoryAlertsSubscription,
  DashboardSalesStatsSubscription,
  DashboardSalesTicksSubscription,
} from './__generated__/graphql';
import { createGraphQLHttp, GraphQLRequestError } from './api/graphql-http';
import { createLiveConnection } from './api/live-connection';
import { createSessionRenewal } from './api/session-renewal';
import {
  customerMixQuery,
  funnelStatsSubscription,
  inventoryAlertsSubscription,
  latestOrdersQuery,
  lowStockQuery,
  salesMinutesQuery,
  salesStatsSubscription,
  salesTicksSubscription,
  salesTodayQuery,
  shoppersQuery,
  storeDayQuery,
  topProductsQuery,
  type FeedOrder,
} from './api/operations';
import { formatClock } from './format';
import type { Session } from './session';
import { applyInventoryAlert, rememberAlert, type InventoryAlert, type LowStockItem } from './state/low-stock';
import { addOrderToSeries, advanceMinuteSeries, emptyMinuteSeries, seedMinuteSeries, type MinuteSeries } from './state/minute-series';
import { addRecentOrders, describeItems, type RecentOrder } from './state/recent-orders';
import { addPlacedOrder, salesTodayFromSnapshot, type PlacedOrder, type SalesToday } from './state/sales-today';
import { dayMayHaveTurned, dayProbeWindow, lastHourWindow, lastMinutesWindow, storeDayFrom, yesterdaySoFar, type StoreDay } from './state/store-day';
import { addOrderLines, rankProducts, type ProductSales } from './state/top-products';
import { brand } from './view/brand';
import { createConnectionBadge } from './view/connection-badge';
import { createCustomerMixPanel } from './view/customer-mix-panel';
import { h, type Panel } from './view/element';
import { createFunnelPanel } from './view/funnel-panel';
import { createKpiCards } from './view/kpi-cards';
import { createLowStockPanel } from './view/low-stock-panel';
import { createMinuteCharts } from './view/minute-charts';
import { createOrdersFeed } from './view/orders-feed';
import { createShoppersPanel } from './view/shoppers-panel';
import { createTopProductsTable } from './view/top-products-table';

const SNAPSHOT_INTERVAL_MS = 30_000;
// Payments and cancellations send no tick: net sales and the feed's payment statuses are read again this often.
const PAYMENT_REFRESH_MS = 5_000;
// Customer mix and the ranking move with every order, but re-reading them on each tick would flood the API.
const ANALYTICS_REFRESH_MS = 10_000;
const LOW_STOCK_REFRESH_DELAY_MS = 1_500;
// The funnel's trailing window, as funnelStatsSubscription asks for it.
const FUNNEL_WINDOW_MS = 3_600_000;

/** Where a failed read is reported. */
type ProblemTarget = Pick<Panel, 'setProblem'>;

export interface DashboardOptions {
  /** Leave the dashboard, e.g. when the session expired; `notice` is shown on the sign-in form. */
  readonly signOut: (notice?: string) => void;
}

type ApiTotals = { orders: number; units: number; revenue: { amount: number } };
const totalsOf = (totals: ApiTotals) => ({ orders: totals.orders, units: totals.units, revenue: totals.revenue.amount });
const daySalesOf = ({ gross, net }: { gross: ApiTotals; net: ApiTotals }) => ({ gross: totalsOf(gross), net: totalsOf(net) });

function recentOrderOf(order: FeedOrder): RecentOrder {
  return {
    id: order.id,
    number: order.number,
    customer: order.user.name,
    items: describeItems(order.lines.map((line) => ({ name: line.product.name, quantity: line.quantity }))),
    itemCount: order.itemCount,
    total: order.total.amount,
    currency: order.total.currency,
    placedAt: Date.parse(order.placedAt),
    paymentStatus: order.paymentStatus,
  };
}

/** Builds the dashboard in `root`, loads its snapshots and keeps it moving from the live socket. Returns stop(). */
export function startDashboard(root: HTMLElement, session: Session, { signOut }: DashboardOptions): () => void {
  const endpoint = new URL('/graphql', location.href).toString();
  const renewal = createSessionRenewal({
    initial: session,
    requestWithoutToken: createGraphQLHttp(endpoint, () => null),
    onRenewed: () => live.reconnect(),
    onEnded: () => signOut('Your session has expired. Sign in again.'),
  });
  const request = createGraphQLHttp(endpoint, () => renewal.session.token);
  const socketUrl = new URL('/graphql', location.href);
  socketUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';

  // What the page knows; the API's snapshots set it, live events move it between snapshots.
  let currency = 'USD';
  let day: StoreDay | null = null;
  let sales: SalesToday | null = null;
  let minutes: MinuteSeries = emptyMinuteSeries(Date.now());
  let ranking: ProductSales[] = [];
  let lowStock: LowStockItem[] = [];
  let alerts: InventoryAlert[] = [];
  let feed: RecentOrder[] = [];
  let ratePerMinute: number | null = null;
  // Server clock minus ours, from salesStats: minutes are bucketed by the server's clock.
  let clockSkewMs = 0;
  const now = () => Date.now() + clockSkewMs;

  // A live event that arrives while a snapshot is being read is most likely in that snapshot already.
  const loading = { sales: false, minutes: false, ranking: false };
  // Today's figures tell which ticks their snapshot has (SalesToday.readAt): those arriving meanwhile wait for it.
  const ticksDuringSalesLoad: PlacedOrder[] = [];

  const badge = createConnectionBadge();
  const kpis = createKpiCards();
  const charts = createMinuteCharts(() => currency);
  const ordersFeed = createOrdersFeed();
  const topProducts = createTopProductsTable(() => currency);
  const lowStockPanel = createLowStockPanel();
  const customerMix = createCustomerMixPanel();
  const shoppers = createShoppersPanel();
  const funnel = createFunnelPanel('sessions of the last hour');
  const dayLabel = h('p', { class: 'day-label', text: 'Today' });
  const clock = h('time', { class: 'clock' });
  const updated = h('span', { text: 'Loading…' });
  const figuresProblem = h('span', { class: 'footer-problem', attrs: { role: 'status' } });
  // The headline figures have no panel of their own; their load problems show in the footer.
  const headlineFigures: ProblemTarget = {
    setProblem: (message) => {
      figuresProblem.textContent = message === null ? '' : `Today's figures could not be read: ${message}`;
    },
  };
  const signOutButton = h('button', { class: 'button button-ghost', text: 'Sign out', attrs: { type: 'button' } });
  signOutButton.addEventListener('click', () => signOut());

  root.replaceChildren(
    h(
      'div',
      { class: 'app' },
      h(
        'header',
        { class: 'topbar' },
        brand(),
        h('div', { class: 'topbar-day' }, dayLabel, clock),
        h(
          'div',
          { class: 'topbar-actions' },
          badge.root,
          h(
            'span',
            { class: 'user' },
            h('span', { class: 'user-name', text: session.name }),
            h('span', { class: 'user-role', text: session.role.toLowerCase() }),
          ),
          signOutButton,
        ),
      ),
      h(
        'main',
        { class: 'grid' },
        kpis.root,
        charts.orders.root,
        charts.revenue.root,
        shoppers.root,
        funnel.root,
        ordersFeed.root,
        topProducts.root,
        lowStockPanel.root,
        customerMix.root,
      ),
      h('footer', { class: 'footer' }, updated, figuresProblem, h('span', { text: 'Times are in your time zone; “today” starts at midnight in the store’s.' })),
    ),
  );

  // Rendering is coalesced to one pass per frame however many events arrive.
  const dirty = new Set<'kpis' | 'charts' | 'feed' | 'ranking' | 'stock'>();
  let frame = 0;
  let highlightFeed = false;
  const render = (part: 'kpis' | 'charts' | 'feed' | 'ranking' | 'stock') => {
    dirty.add(part);
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (dirty.has('kpis') && sales) kpis.show(sales);
      if (dirty.has('charts')) charts.show(minutes, ratePerMinute);
      if (dirty.has('feed')) ordersFeed.show(feed, highlightFeed);
      if (dirty.has('ranking')) topProducts.show(ranking);
      if (dirty.has('stock')) lowStockPanel.show(lowStock, alerts);
      dirty.clear();
      updated.textContent = `Updated ${formatClock(new Date())}`;
    });
  };

  let stopped = false;
  /** Runs one snapshot read for `panel`: a refused token ends the session, other problems show in the panel. */
  const load = async <T>(target: ProblemTarget, read: () => Promise<T>, apply: (data: T) => void): Promise<void> => {
    try {
      const data = await read();
      if (stopped) return;
      target.setProblem(null);
      apply(data);
    } catch (error) {
      if (stopped) return;
      if (error instanceof GraphQLRequestError && error.unauthenticated) {
        signOut('Your session has expired. Sign in again.');
        return;
      }
      target.setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const loadDay = () =>
    load(
      headlineFigures,
      () => {
        const window = dayProbeWindow(now());
        return request(storeDayQuery, { from: window.from.toISOString(), to: window.to.toISOString() });
      },
      (data) => {
        const next = storeDayFrom(data.salesSeries);
        if (next) {
          day = next;
          dayLabel.textContent = `Today · since ${new Date(next.dayStart).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false })}`;
        }
      },
    );

  const loadSales = async () => {
    const storeDay = day;
    if (!storeDay) return;
    const at = now();
    const yesterday = yesterdaySoFar(storeDay, at);
    loading.sales = true;
    await load(
      headlineFigures,
      () =>
        request(salesTodayQuery, {
          dayFrom: new Date(storeDay.dayStart).toISOString(),
          now: new Date(at).toISOString(),
          yesterdayFrom: (yesterday?.from ?? new Date(storeDay.yesterdayStart)).toISOString(),
          yesterdayTo: (yesterday?.to ?? new Date(storeDay.dayStart)).toISOString(),
          withYesterday: yesterday !== null,
        }),
      (data) => {
        currency = data.today.current.gross.revenue.currency;
        sales = salesTodayFromSnapshot(
          storeDay.dayStart,
          currency,
          daySalesOf(data.today.current),
          data.yesterday ? daySalesOf(data.yesterday.current) : null,
          at,
        );
        render('kpis');
      },
    );
    loading.sales = false;
    // Orders that ticked while the snapshot was read: those it already has are left out (see SalesToday.readAt).
    const held = ticksDuringSalesLoad.splice(0);
    if (sales && held.length > 0) {
      for (const placed of held) sales = addPlacedOrder(sales, placed);
      render('kpis');
    }
  };

  const loadMinutes = async () => {
    const window = lastMinutesWindow(now());
    loading.minutes = true;
    await load(
      charts.orders.panel,
      () => request(salesMinutesQuery, { from: window.from.toISOString(), to: window.to.toISOString() }),
      (data) => {
        minutes = seedMinuteSeries(
          data.salesSeries.map((point) => ({ start: Date.parse(point.start), orders: point.gross.orders, revenue: point.gross.revenue.amount })),
          now(),
        );
        render('charts');
      },
    );
    loading.minutes = false;
  };

  const loadRanking = async () => {
    const window = lastHourWindow(now());
    loading.ranking = true;
    await load(
      topProducts.panel,
      () => request(topProductsQuery, { from: window.from.toISOString(), to: window.to.toISOString() }),
      (data) => {
        ranking = rankProducts(
          data.topProducts.map((row) => ({
            productId: row.product.id,
            name: row.product.name,
            units: row.units,
            revenue: row.revenue.amount,
            orders: row.orders,
          })),
        );
        render('ranking');
      },
    );
    loading.ranking = false;
  };

  const loadCustomers = () =>
    load(
      customerMix.panel,
      () => {
        const from = new Date(day?.dayStart ?? now() - 3_600_000).toISOString();
        return request(customerMixQuery, { from, to: new Date(now()).toISOString() });
      },
      (data) => customerMix.show(data.customerStats),
    );

  const loadLowStock = () =>
    load(
      lowStockPanel.panel,
      () => request(lowStockQuery),
      (data) => {
        lowStock = data.lowStock.edges.map(({ node }) => ({
          productId: node.product.id,
          name: node.product.name,
          available: node.stock.available,
          // The schema lets the staff-only threshold be null; lowStock itself is staff-only, so it never is here.
          threshold: node.stock.lowStockThreshold ?? 0,
          status: node.stock.status,
        }));
        render('stock');
      },
    );

  const loadFeed = () =>
    load(
      ordersFeed.panel,
      () => request(latestOrdersQuery),
      (data) => {
        feed = addRecentOrders(
          feed,
          data.orders.edges.map(({ node }) => recentOrderOf(node)),
        );
        render('feed');
      },
    );

  // After funnelStats' first push the subscription is the fresher source; a slower snapshot must not overwrite it.
  let funnelLive = false;
  const loadShoppers = () =>
    load(
      shoppers.panel,
      () => request(shoppersQuery, { from: new Date(now() - FUNNEL_WINDOW_MS).toISOString(), to: new Date(now()).toISOString() }),
      (data) => {
        if (funnelLive) return;
        shoppers.show(data.liveVisitors);
        funnel.show(data.funnel);
      },
    );

  let lastFullLoad = 0;
  let lastAnalyticsLoad = 0;
  let lastPaymentLoad = 0;
  let fullLoad: Promise<void> | null = null;
  const loadEverything = () => {
    fullLoad ??= (async () => {
      lastFullLoad = Date.now();
      lastAnalyticsLoad = Date.now();
      lastPaymentLoad = Date.now();
      await loadDay();
      await Promise.all([loadSales(), loadMinutes(), loadRanking(), loadCustomers(), loadLowStock(), loadFeed(), funnelLive ? undefined : loadShoppers()]);
    })().finally(() => {
      fullLoad = null;
    });
    return fullLoad;
  };

  let lowStockTimer: ReturnType<typeof setTimeout> | undefined;
  let ticksSinceAnalytics = 0;
  // Each message lists the orders placed since the previous one, oldest first: one alone while the dashboard keeps up.
  const onTick = ({ salesTicks }: DashboardSalesTicksSubscription) => {
    for (const { order } of salesTicks.ticks ?? []) addTick(order);
  };
  const addTick = (order: NonNullable<DashboardSalesTicksSubscription['salesTicks']['ticks']>[number]['order']) => {
    ticksSinceAnalytics++;
    const placed = recentOrderOf(order);
    highlightFeed = true;
    feed = addRecentOrders(feed, [placed]);
    render('feed');
    const sold = { id: placed.id, placedAt: placed.placedAt, total: placed.total, currency: placed.currency, units: order.itemCount };
    if (loading.sales) ticksDuringSalesLoad.push(sold);
    else if (sales) {
      sales = addPlacedOrder(sales, sold);
      render('kpis');
    }
    if (!loading.minutes && placed.currency === currency) {
      minutes = addOrderToSeries(minutes, placed.placedAt, placed.total);
      render('charts');
    }
    if (!loading.ranking) {
      ranking = addOrderLines(
        ranking,
        order.lines.map((line) => ({ productId: line.product.id, name: line.product.name, quantity: line.quantity, lineTotal: line.lineTotal.amount })),
      );
      render('ranking');
    }
  };

  const onStats = ({ salesStats }: DashboardSalesStatsSubscription) => {
    const serverNow = Date.parse(salesStats.at);
    if (Number.isFinite(serverNow)) clockSkewMs = serverNow - Date.now();
    ratePerMinute = salesStats.ordersPerMinute;
    render('charts');
  };

  const onAlert = ({ inventoryAlerts: alert }: DashboardInventoryAlertsSubscription) => {
    const remembered: InventoryAlert = {
      kind: alert.kind,
      productId: alert.product.id,
      name: alert.product.name,
      available: alert.available,
      threshold: alert.threshold,
      at: Date.parse(alert.at),
    };
    lowStock = applyInventoryAlert(lowStock, remembered);
    alerts = rememberAlert(alerts, remembered);
    render('stock');
    // The alert carries one product; the list's other rows (and their order) come from the API.
    clearTimeout(lowStockTimer);
    lowStockTimer = setTimeout(() => void loadLowStock(), LOW_STOCK_REFRESH_DELAY_MS);
  };

  const onFunnel = ({ funnelStats }: DashboardFunnelStatsSubscription) => {
    funnelLive = true;
    shoppers.panel.setProblem(null);
    funnel.panel.setProblem(null);
    shoppers.show(funnelStats.visitors);
    funnel.show(funnelStats.steps);
  };

  const live = createLiveConnection({
    url: socketUrl.toString(),
    token: () => renewal.session.token,
    onState: (state) => badge.show(state.phase),
    onReconnected: () => void loadEverything(),
    onAuthRejected: () => signOut('Your session has expired. Sign in again.'),
  });
  const liveProblem = (target: Panel) => (message: string) => target.setProblem(message);
  const unsubscribes = [
    live.subscribe(salesTicksSubscription, onTick, liveProblem(ordersFeed.panel)),
    live.subscribe(salesStatsSubscription, onStats, liveProblem(charts.orders.panel)),
    live.subscribe(inventoryAlertsSubscription, onAlert, liveProblem(lowStockPanel.panel)),
    live.subscribe(funnelStatsSubscription, onFunnel, liveProblem(funnel.panel)),
  ];

  let lastDayCheck = 0;
  const everySecond = setInterval(() => {
    const at = now();
    clock.textContent = formatClock(new Date(at));
    clock.dateTime = new Date(at).toISOString();
    const advanced = advanceMinuteSeries(minutes, at);
    if (advanced !== minutes) {
      minutes = advanced;
      render('charts');
    }
    renewal.tick(Date.now());
    if (stopped) return;
    if (Date.now() - lastFullLoad >= SNAPSHOT_INTERVAL_MS || (day && dayMayHaveTurned(day, at) && Date.now() - lastDayCheck >= 60_000)) {
      lastDayCheck = Date.now();
      void loadEverything();
      return;
    }
    if (Date.now() - lastPaymentLoad >= PAYMENT_REFRESH_MS) {
      lastPaymentLoad = Date.now();
      void loadSales();
      void loadFeed();
    }
    if (ticksSinceAnalytics > 0 && Date.now() - lastAnalyticsLoad >= ANALYTICS_REFRESH_MS) {
      ticksSinceAnalytics = 0;
      lastAnalyticsLoad = Date.now();
      void loadCustomers();
      void loadRanking();
    }
  }, 1_000);

  render('charts');
  render('stock');
  void loadEverything();

  return () => {
    stopped = true;
    clearInterval(everySecond);
    clearTimeout(lowStockTimer);
    cancelAnimationFrame(frame);
    for (const unsubscribe of unsubscribes) unsubscribe();
    live.dispose();
  };
}
