import { formatClock, formatCount } from '../format';
import type { InventoryAlert, LowStockItem, StockStatus } from '../state/low-stock';
import { h, panel } from './element';

const statusLabels: Record<StockStatus, string> = { IN_STOCK: 'In stock', LOW_STOCK: 'Low', OUT_OF_STOCK: 'Sold out' };
const alertLabels: Record<InventoryAlert['kind'], string> = { LOW_STOCK: 'ran low', OUT_OF_STOCK: 'sold out', BACK_IN_STOCK: 'back in stock' };

/** Products at or under their threshold, fewest first, and the latest stock alerts. */
export function createLowStockPanel() {
  const box = panel('Low stock', { id: 'low-stock', subtitle: 'at or under threshold' });
  const table = h('table', { class: 'stock-table' });
  const body = h('tbody');
  table.append(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { text: 'Product', attrs: { scope: 'col' } }),
        h('th', { class: 'col-available', text: 'Available', attrs: { scope: 'col', title: 'Units available / low-stock threshold' } }),
        h('th', { class: 'col-status', text: 'Status', attrs: { scope: 'col' } }),
      ),
    ),
    body,
  );
  const empty = h('p', { class: 'empty', text: 'Every product is above its threshold.' });
  const alerts = h('ol', { class: 'alerts', attrs: { 'aria-label': 'Latest stock alerts' } });
  box.body.append(table, empty, h('h3', { class: 'subheading', text: 'Alerts' }), alerts);

  return {
    root: box.root,
    panel: box,
    show(items: readonly LowStockItem[], recent: readonly InventoryAlert[]) {
      body.replaceChildren(
        ...items.map((item) =>
          h(
            'tr',
            { attrs: { 'data-product-id': item.productId } },
            h('th', { text: item.name, attrs: { scope: 'row' } }),
            h('td', { class: 'numeric', text: `${formatCount(item.available)} / ${formatCount(item.threshold)}` }),
            h('td', {}, h('span', { class: `badge badge-${item.status.toLowerCase().replaceAll('_', '-')}`, text: statusLabels[item.status] })),
          ),
        ),
      );
      table.hidden = items.length === 0;
      empty.hidden = items.length > 0;
      alerts.replaceChildren(
        ...(recent.length === 0
          ? [h('li', { class: 'alert-row muted', text: 'No alerts since you opened the page.' })]
          : recent.map((alert) =>
              h(
                'li',
                { class: `alert-row alert-${alert.kind.toLowerCase().replaceAll('_', '-')}` },
                h('time', { text: formatClock(new Date(alert.at)) }),
                h('span', { text: ` ${alert.name} ${alertLabels[alert.kind]} (${formatCount(alert.available)} left)` }),
              ),
            )),
      );
    },
  };
}
