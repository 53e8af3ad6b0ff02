import type { ConnectionPhase } from '../state/connection-state';
import { h } from './element';

const labels: Record<ConnectionPhase, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

const explanations: Record<ConnectionPhase, string> = {
  connecting: 'Opening the live connection to the gateway',
  live: 'Receiving sales as they happen',
  reconnecting: 'The live connection dropped; trying again',
  offline: 'The gateway cannot be reached; retrying in the background',
};

/** The live connection's phase, in words and colour; `data-state` carries the phase for scripts and tests. */
export function createConnectionBadge() {
  const label = h('span', { class: 'connection-label' });
  const root = h(
    'div',
    { class: 'connection', attrs: { role: 'status', 'aria-live': 'polite' } },
    h('span', { class: 'connection-dot', attrs: { 'aria-hidden': 'true' } }),
    label,
  );
  const show = (phase: ConnectionPhase) => {
    root.dataset['state'] = phase;
    root.title = explanations[phase];
    label.textContent = labels[phase];
  };
  show('connecting');
  return { root, show };
}
