import { formatCount, formatPercent } from '../format';
import { funnelBars, type FunnelStep } from '../state/shoppers';
import { h, panel } from './element';

/** The purchase funnel of the sessions started in the trailing window, with the conversion of each step. */
export function createFunnelPanel(windowLabel: string) {
  const box = panel('Funnel', { id: 'funnel', subtitle: windowLabel, class: 'funnel-panel' });
  const rows = h('ol', { class: 'funnel' });
  const overall = h('strong', { class: 'stat-value', text: '—', attrs: { 'data-stat': 'conversion' } });
  box.body.append(rows, h('p', { class: 'funnel-overall' }, h('span', { class: 'muted', text: 'Sessions that ordered ' }), overall));

  return {
    root: box.root,
    panel: box,
    show(steps: readonly FunnelStep[]) {
      const bars = funnelBars(steps);
      rows.replaceChildren(
        ...bars.map((bar, index) => {
          const fill = h('span', { class: 'funnel-fill' });
          fill.style.width = `${bar.width * 100}%`;
          return h(
            'li',
            { class: 'funnel-step', attrs: { 'data-stage': bar.stage } },
            h('span', { class: 'funnel-label', text: bar.label }),
            h('span', { class: 'funnel-bar' }, fill),
            h('strong', { class: 'funnel-sessions', text: formatCount(bar.sessions) }),
            h('span', {
              class: 'funnel-conversion',
              text: index === 0 ? '' : `${formatPercent(bar.conversionFromPrevious)} of the step before`,
              attrs: { 'data-conversion': String(bar.conversionFromPrevious) },
            }),
          );
        }),
      );
      const purchase = bars.find((bar) => bar.stage === 'PURCHASE');
      overall.textContent = purchase && bars[0]!.sessions > 0 ? formatPercent(purchase.conversionFromStart) : '—';
    },
  };
}
