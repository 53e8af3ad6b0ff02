import { formatChange, formatCount, formatMoney } from '../format';
import { averageOrderValue, changeAgainstYesterday, type SalesToday } from '../state/sales-today';
import { h } from './element';

type KpiName = 'revenue' | 'orders' | 'average-order-value' | 'units';

const titles: Record<KpiName, string> = {
  revenue: 'Revenue today',
  orders: 'Orders today',
  'average-order-value': 'Average order value',
  units: 'Units sold today',
};

/** The four headline figures of the day, each with its change against yesterday at the same time. */
export function createKpiCards() {
  const cards = new Map<KpiName, { value: HTMLElement; change: HTMLElement }>();
  const root = h('section', { class: 'kpis', attrs: { 'aria-label': "Today's sales" } });
  for (const name of Object.keys(titles) as KpiName[]) {
    const value = h('p', { class: 'kpi-value', text: '—' });
    const change = h('p', { class: 'kpi-change', text: ' ' });
    root.append(h('article', { class: 'kpi', attrs: { 'data-kpi': name } }, h('h2', { text: titles[name] }), value, change));
    cards.set(name, { value, change });
  }

  const set = (name: KpiName, text: string, change: number | null) => {
    const card = cards.get(name)!;
    if (card.value.textContent !== text) {
      card.value.textContent = text;
      card.value.classList.remove('bump');
      // Restart the highlight animation: reading offsetWidth flushes the removal first.
      void card.value.offsetWidth;
      card.value.classList.add('bump');
    }
    card.change.textContent = change === null ? 'no sales yesterday by now' : `${formatChange(change)} vs yesterday`;
    card.change.dataset['trend'] = change === null || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
  };

  return {
    root,
    show(sales: SalesToday) {
      const change = changeAgainstYesterday(sales);
      const money = (amount: number) => formatMoney({ amount, currency: sales.currency });
      set('revenue', money(sales.today.revenue), change.revenue);
      set('orders', formatCount(sales.today.orders), change.orders);
      set('average-order-value', money(averageOrderValue(sales.today)), change.averageOrderValue);
      set('units', formatCount(sales.today.units), change.units);
    },
  };
}
