import { formatChange, formatCount, formatMoney } from '../format';
import { averageOrderValue, changeAgainstYesterday, type SalesToday } from '../state/sales-today';
import { h } from './element';

type KpiName = 'gross-sales' | 'net-sales' | 'average-order-value' | 'units';

const cardText: Record<KpiName, { title: string; hint: string }> = {
  'gross-sales': { title: 'Gross sales today', hint: 'Every order placed today, paid or not, cancelled or not' },
  'net-sales': { title: 'Net sales today', hint: "Today's orders that are paid, less those cancelled or refunded since" },
  'average-order-value': { title: 'Average order value (net)', hint: 'Net sales ÷ net orders' },
  units: { title: 'Units ordered today (gross)', hint: 'Units in every order placed today' },
};

/**
 * The headline figures of the day, each saying whether it is gross or net, with its order count where it has one
 * and its change against yesterday at the same time.
 */
export function createKpiCards() {
  const cards = new Map<KpiName, { value: HTMLElement; orders: HTMLElement | null; change: HTMLElement }>();
  const root = h('section', { class: 'kpis', attrs: { 'aria-label': "Today's sales" } });
  for (const name of Object.keys(cardText) as KpiName[]) {
    const value = h('p', { class: 'kpi-value', text: '—' });
    const withOrders = name === 'gross-sales' || name === 'net-sales';
    const orders = withOrders ? h('span', { class: 'kpi-orders', text: '—' }) : null;
    const change = h('p', { class: 'kpi-change', text: ' ' });
    const detail = orders ? h('p', { class: 'kpi-detail' }, orders, name === 'gross-sales' ? ' orders placed' : ' orders paid') : null;
    root.append(
      h(
        'article',
        { class: 'kpi', attrs: { 'data-kpi': name, title: cardText[name].hint } },
        h('h2', { text: cardText[name].title }),
        value,
        ...(detail ? [detail] : []),
        change,
      ),
    );
    cards.set(name, { value, orders, change });
  }

  const set = (name: KpiName, text: string, change: number | null, orders?: number) => {
    const card = cards.get(name)!;
    if (card.value.textContent !== text) {
      card.value.textContent = text;
      card.value.classList.remove('bump');
      // Restart the highlight animation: reading offsetWidth flushes the removal first.
      void card.value.offsetWidth;
      card.value.classList.add('bump');
    }
    if (card.orders && orders !== undefined) card.orders.textContent = formatCount(orders);
    card.change.textContent = change === null ? 'no sales yesterday by now' : `${formatChange(change)} vs yesterday`;
    card.change.dataset['trend'] = change === null || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
  };

  return {
    root,
    show(sales: SalesToday) {
      const change = changeAgainstYesterday(sales);
      const money = (amount: number) => formatMoney({ amount, currency: sales.currency });
      const { gross, net } = sales.today;
      set('gross-sales', money(gross.revenue), change.gross.revenue, gross.orders);
      set('net-sales', money(net.revenue), change.net.revenue, net.orders);
      set('average-order-value', money(averageOrderValue(net)), change.net.averageOrderValue);
      set('units', formatCount(gross.units), change.gross.units);
    },
  };
}
