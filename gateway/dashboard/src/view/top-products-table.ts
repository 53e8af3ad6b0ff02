import { formatCount, formatMoney } from '../format';
import type { ProductSales } from '../state/top-products';
import { h, panel } from './element';

const SHOWN = 8;

/** Best sellers of the last hour by units, with a bar against the leader. */
export function createTopProductsTable(currency: () => string) {
  const box = panel('Top products', { id: 'top-products', subtitle: 'last hour, by units' });
  const list = h('ol', { class: 'ranking' });
  const empty = h('p', { class: 'empty', text: 'Nothing sold in the last hour.' });
  box.body.append(list, empty);

  return {
    root: box.root,
    panel: box,
    show(ranking: readonly ProductSales[]) {
      const top = ranking.slice(0, SHOWN);
      const leader = Math.max(1, top[0]?.units ?? 1);
      list.replaceChildren(
        ...top.map((product, index) => {
          const bar = h('span', { class: 'ranking-bar' });
          bar.style.width = `${Math.max(2, (product.units / leader) * 100)}%`;
          return h(
            'li',
            { class: 'ranking-row', attrs: { 'data-product-id': product.productId } },
            h('span', { class: 'ranking-rank', text: String(index + 1) }),
            h('div', { class: 'ranking-main' }, h('p', { class: 'ranking-name', text: product.name }), h('span', { class: 'ranking-track' }, bar)),
            h(
              'p',
              { class: 'ranking-figures' },
              h('strong', { text: `${formatCount(product.units)} ${product.units === 1 ? 'unit' : 'units'}` }),
              h('span', { text: formatMoney({ amount: product.revenue, currency: currency() }) }),
            ),
          );
        }),
      );
      empty.hidden = top.length > 0;
    },
  };
}
