import { formatCount, formatPercent } from '../format';
import { stageShares, type Visitors } from '../state/shoppers';
import { h, panel } from './element';

/** "Right now": visitors in the store and where they are, each session in the furthest stage it reached. */
export function createShoppersPanel() {
  const box = panel('Right now', { id: 'right-now', subtitle: 'sessions active in the last 5 minutes', class: 'shoppers-panel' });
  const visitors = h('strong', { class: 'shoppers-count', text: '—', attrs: { 'data-stat': 'visitors' } });
  const stages = h('ul', { class: 'shoppers-stages' });
  box.body.append(h('p', { class: 'shoppers-total' }, visitors, h('span', { class: 'muted', text: ' visitors in the store' })), stages);

  return {
    root: box.root,
    panel: box,
    show(now: Visitors) {
      visitors.textContent = formatCount(now.activeSessions);
      stages.replaceChildren(
        ...stageShares(now).map((stage) => {
          const bar = h('span', { class: `stage-fill stage-${stage.stage}` });
          bar.style.width = `${stage.share * 100}%`;
          return h(
            'li',
            { class: 'shoppers-stage', attrs: { 'data-stage': stage.stage } },
            h('span', { class: 'stage-label', text: stage.label }),
            h('span', { class: 'stage-bar', attrs: { role: 'img', 'aria-label': `${stage.label}: ${formatPercent(stage.share)}` } }, bar),
            h('strong', { class: 'stage-sessions', text: formatCount(stage.sessions) }),
          );
        }),
      );
    },
  };
}
