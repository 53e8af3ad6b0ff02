import { formatClock, formatMoney } from '../format';
import { paymentStatusLabels, type RecentOrder } from '../state/recent-orders';
import { h, panel } from './element';

function paymentBadge(order: RecentOrder): HTMLElement {
  return h('span', { class: 'feed-payment', text: paymentStatusLabels[order.paymentStatus], attrs: { 'data-payment-status': order.paymentStatus } });
}

function orderRow(order: RecentOrder): HTMLLIElement {
  return h(
    'li',
    { class: 'feed-row', attrs: { 'data-order-id': order.id } },
    h('time', { class: 'feed-time', text: formatClock(new Date(order.placedAt)), attrs: { datetime: new Date(order.placedAt).toISOString() } }),
    h(
      'div',
      { class: 'feed-main' },
      h('p', { class: 'feed-customer' }, h('span', { class: 'feed-number', text: order.number }), ` ${order.customer}`),
      h('p', { class: 'feed-items', text: order.items }),
    ),
    h(
      'div',
      { class: 'feed-side' },
      h('p', { class: 'feed-total', text: formatMoney({ amount: order.total, currency: order.currency }) }),
      paymentBadge(order),
    ),
  );
}

/** The latest orders, newest on top; rows that arrive live are highlighted for a moment. */
export function createOrdersFeed() {
  const box = panel('Latest orders', { id: 'latest-orders', subtitle: 'as they are placed, with their payment', class: 'feed-panel' });
  const list = h('ol', { class: 'feed' });
  const empty = h('p', { class: 'empty', text: 'No orders yet today.' });
  box.body.append(list, empty);
  let rows = new Map<string, HTMLLIElement>();

  return {
    root: box.root,
    panel: box,
    show(orders: readonly RecentOrder[], highlightNew: boolean) {
      const next = new Map<string, HTMLLIElement>();
      // Rows already on screen stay attached: moving or re-adding one would restart its highlight.
      orders.forEach((order, index) => {
        let row = rows.get(order.id);
        if (!row) {
          row = orderRow(order);
          if (highlightNew) row.classList.add('is-new');
        } else {
          const badge = row.querySelector<HTMLElement>('.feed-payment');
          if (badge && badge.dataset['paymentStatus'] !== order.paymentStatus) badge.replaceWith(paymentBadge(order));
        }
        next.set(order.id, row);
        const current = list.children[index];
        if (current !== row) list.insertBefore(row, current ?? null);
      });
      while (list.children.length > orders.length) list.lastElementChild!.remove();
      rows = next;
      empty.hidden = orders.length > 0;
    },
  };
}
