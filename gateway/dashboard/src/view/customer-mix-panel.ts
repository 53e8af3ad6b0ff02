import type { CustomerMix } from '../api/operations';
import { formatCount, formatMoney, formatPercent } from '../format';
import { h, panel } from './element';

/** New against returning customers of the day, how often they came back, and the biggest spenders. */
export function createCustomerMixPanel() {
  const box = panel('Customer mix', { id: 'customer-mix', subtitle: 'today', class: 'customers-panel' });
  const newBar = h('span', { class: 'mix-new' });
  const returningBar = h('span', { class: 'mix-returning' });
  const newLegend = h('span');
  const returningLegend = h('span');
  const customers = h('strong', { class: 'stat-value', text: '—' });
  const returningRate = h('strong', { class: 'stat-value', text: '—' });
  const repeatRate = h('strong', { class: 'stat-value', text: '—' });
  const spenders = h('ol', { class: 'spenders' });

  box.body.append(
    h(
      'div',
      { class: 'mix' },
      h(
        'div',
        { class: 'mix-overview' },
        h('div', { class: 'mix-bar', attrs: { role: 'img', 'aria-label': 'New and returning customers' } }, newBar, returningBar),
        h('p', { class: 'mix-legend' }, h('span', { class: 'swatch swatch-new' }), newLegend, h('span', { class: 'swatch swatch-returning' }), returningLegend),
        h(
          'dl',
          { class: 'stats' },
          h('div', { attrs: { 'data-stat': 'customers' } }, h('dt', { text: 'Customers' }), h('dd', {}, customers)),
          h('div', { attrs: { 'data-stat': 'returning-rate' } }, h('dt', { text: 'Returning rate' }), h('dd', {}, returningRate)),
          h('div', { attrs: { 'data-stat': 'repeat-rate' } }, h('dt', { text: 'Bought twice or more' }), h('dd', {}, repeatRate)),
        ),
      ),
      h('div', { class: 'mix-spenders' }, h('h3', { class: 'subheading', text: 'Top customers today' }), spenders),
    ),
  );

  return {
    root: box.root,
    panel: box,
    show(mix: CustomerMix) {
      const total = Math.max(1, mix.newCustomers + mix.returningCustomers);
      newBar.style.width = `${(mix.newCustomers / total) * 100}%`;
      returningBar.style.width = `${(mix.returningCustomers / total) * 100}%`;
      newLegend.textContent = `New ${formatCount(mix.newCustomers)}`;
      returningLegend.textContent = `Returning ${formatCount(mix.returningCustomers)}`;
      customers.textContent = formatCount(mix.customers);
      returningRate.textContent = formatPercent(mix.returningCustomerRate);
      repeatRate.textContent = formatPercent(mix.repeatPurchaseRate);
      spenders.replaceChildren(
        ...(mix.topCustomers.length === 0
          ? [h('li', { class: 'muted', text: 'No customers yet today.' })]
          : mix.topCustomers.map((spender) =>
              h(
                'li',
                { class: 'spender' },
                h('span', { class: 'spender-name', text: spender.user.name }),
                h('span', { class: 'spender-orders', text: `${formatCount(spender.orders)} ${spender.orders === 1 ? 'order' : 'orders'}` }),
                h('strong', { text: formatMoney(spender.spend) }),
              ),
            )),
      );
    },
  };
}
