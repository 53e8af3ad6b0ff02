import { formatClock, formatMoney } from '../format';
import type { RecentOrder } from '../state/recent-orders';
import { h, panel } from './element';

/** The latest orders, newest on top; rows that arrive live are highlighted for a moment. */
export function createOrdersFeed() {
  const box = panel('Latest orders', { id: 'latest-orders', subtitle: 'as they are placed', class: 'feed-panel' });
  const list = h('ol', { class: 'feed', attrs: { 'aria-live': 'off' } });
  const empty = h('p', { class: 'empty', text: 'No orders yet today.' });
  box.body.append(list, empty);
  const shown = new Set<string>();

  return {
    root: box.root,
    panel: box,
    show(orders: readonly RecentOrder[], highlightNew: boolean) {
      const rows = orders.map((order) => {
        const row = h(
          'li',
          { class: 'feed-row', attrs: { 'data-order-id': order.id } },
          h('time', { class: 'feed-time', text: formatClock(new Date(order.placedAt)), attrs: { datetime: new Date(order.placedAt).toISOString() } }),
          h('div', { class: 'feed-main' }, h('p', { class: 'feed-customer' }, h('span', { class: 'feed-number', text: order.number }), ` ${order.customer}`), h('p', { class: 'feed-items', text: order.items })),
          h('p', { class: 'feed-total', text: formatMoney({ amount: order.total, currency: order.currency }) }),
        );
        if (highlightNew && !shown.has(order.id)) row.classList.add('is-new');
        return row;
      });
      shown.clear();
      for (const order of orders) shown.add(order.id);
      list.replaceChildren(...rows);
      empty.hidden = orders.length > 0;
    },
  };
}
