import { h, svg } from './element';

/** The RTC mark: a pulse line in a rounded square. */
export function brandMark(): SVGSVGElement {
  return svg(
    'svg',
    { class: 'brand-mark', viewBox: '0 0 32 32', 'aria-hidden': 'true' },
    svg('rect', { x: '1', y: '1', width: '30', height: '30', rx: '8' }),
    svg('path', { d: 'M6 17h5l3-7 4 12 3-5h5' }),
  );
}

export function brand(): HTMLElement {
  return h('div', { class: 'brand' }, brandMark(), h('span', { class: 'brand-name', text: 'RTC' }), h('span', { class: 'brand-product', text: 'Live sales' }));
}
