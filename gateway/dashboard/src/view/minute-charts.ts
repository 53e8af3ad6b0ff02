import uPlot from 'uplot';
import { formatCount, formatMinute, formatMoney, minorUnitsPerMajor } from '../format';
import { chartCeiling } from '../state/chart-scale';
import type { MinuteSeries } from '../state/minute-series';
import { h, panel } from './element';

const theme = {
  axis: '#8b95a7',
  grid: 'rgba(148, 163, 184, 0.09)',
  orders: '#38bdf8',
  ordersFill: 'rgba(56, 189, 248, 0.55)',
  revenue: '#34d399',
  revenueFill: 'rgba(52, 211, 153, 0.14)',
  clipped: '#fbbf24',
  font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
};

const CHART_HEIGHT = 190;

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly label: string;
  readonly kind: 'bars' | 'area';
  readonly stroke: string;
  readonly fill: string;
  readonly value: (point: MinuteSeries['points'][number]) => number;
  readonly formatValue: (value: number) => string;
}

/**
 * A per-minute chart over the last hour, with a hidden table of the same numbers for screen readers (and tests).
 * When one minute spikes far above the rest, the axis stops short of it (see `chartCeiling`): the spike's bar is
 * drawn to the top with a marker, and a note under the title gives its real value.
 */
function createMinuteChart(spec: ChartSpec) {
  const box = panel(spec.title, { id: spec.id, class: 'chart-panel' });
  const readout = h('p', { class: 'chart-readout', attrs: { 'aria-hidden': 'true' } });
  const clipNote = h('p', { class: 'chart-clip-note', attrs: { hidden: '' } });
  const canvasHost = h('div', { class: 'chart-canvas' });
  const tableBody = h('tbody');
  const table = h(
    'table',
    { attrs: { 'data-series': spec.id } },
    h('caption', { text: spec.title }),
    h('thead', {}, h('tr', {}, h('th', { text: 'Minute', attrs: { scope: 'col' } }), h('th', { text: spec.label, attrs: { scope: 'col' } }))),
    tableBody,
  );
  // Tables grow to fit their rows whatever their height, so the hiding is done by a wrapper.
  box.body.append(readout, clipNote, canvasHost, h('div', { class: 'visually-hidden' }, table));

  let series: MinuteSeries | null = null;
  let ceiling = 0;
  let defaultReadout = '';
  const axisStyle = { stroke: theme.axis, font: theme.font, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } };
  const chart = new uPlot(
    {
      width: 600,
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7, fill: spec.stroke } },
      scales: {
        // Half a minute of room at both ends, so the first and the current minute's bars are not cut in half.
        x: { time: true, range: (_u, min, max) => [min - 30, max + 30] },
        y: { range: () => [0, Math.max(ceiling * 1.15, spec.kind === 'bars' ? 4 : 1)] },
      },
      axes: [
        { ...axisStyle, space: 60, values: (_u, splits) => splits.map((seconds) => formatMinute(new Date(seconds * 1000))) },
        { ...axisStyle, size: 56, values: (_u, splits) => splits.map((value) => spec.formatValue(value)) },
      ],
      series: [
        {},
        {
          label: spec.label,
          stroke: spec.stroke,
          fill: spec.fill,
          width: spec.kind === 'bars' ? 1 : 2,
          points: { show: false },
          ...(spec.kind === 'bars' ? { paths: uPlot.paths.bars!({ size: [0.7, 24], radius: 0.15 }) } : {}),
        },
        // Markers alone, at the top of the axis, over the minutes it clips.
        {
          label: 'Above the axis',
          stroke: theme.clipped,
          width: 0,
          paths: () => null,
          points: { show: true, size: 9, fill: theme.clipped, stroke: theme.clipped },
        },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const index = u.cursor.idx;
            const point = index === null || index === undefined ? undefined : series?.points[index];
            readout.textContent = point
              ? `${formatMinute(new Date(point.start))} · ${spec.formatValue(spec.value(point))} ${spec.label.toLowerCase()}`
              : defaultReadout;
          },
        ],
      },
    },
    [[], [], []],
    canvasHost,
  );
  new ResizeObserver(([entry]) => {
    const width = Math.floor(entry?.contentRect.width ?? 0);
    if (width > 0 && width !== chart.width) chart.setSize({ width, height: CHART_HEIGHT });
  }).observe(canvasHost);

  return {
    root: box.root,
    panel: box,
    show(next: MinuteSeries, readoutText: string) {
      series = next;
      defaultReadout = readoutText;
      if (chart.cursor.idx === null || chart.cursor.idx === undefined) readout.textContent = readoutText;
      const real = next.points.map((point) => spec.value(point));
      const scale = chartCeiling(real);
      ceiling = scale.top;
      // Empty minutes draw nothing rather than a flat stroke along the axis.
      const values = real.map((value) => (spec.kind === 'bars' && value === 0 ? null : Math.min(value, scale.top)));
      const markers = real.map((value) => (scale.clipped && value > scale.top ? scale.top : null));
      chart.setData([next.points.map((point) => point.start / 1000), values, markers]);
      const peakIndex = real.indexOf(Math.max(...real));
      const peak = next.points[peakIndex];
      clipNote.hidden = !scale.clipped || !peak;
      clipNote.dataset['clipped'] = String(scale.clipped);
      clipNote.textContent =
        scale.clipped && peak
          ? `▲ Axis stops at ${spec.formatValue(scale.top)}: the peak, ${spec.formatValue(real[peakIndex]!)} at ${formatMinute(new Date(peak.start))}, is clipped`
          : '';
      tableBody.replaceChildren(
        ...next.points.map((point) =>
          h(
            'tr',
            { attrs: { 'data-minute': new Date(point.start).toISOString() } },
            h('th', { text: formatMinute(new Date(point.start)), attrs: { scope: 'row' } }),
            h('td', { text: String(spec.value(point)) }),
          ),
        ),
      );
    },
  };
}

/** Orders per minute and revenue per minute over the last 60 minutes. */
export function createMinuteCharts(currency: () => string) {
  const majorRevenue = (point: MinuteSeries['points'][number]) => point.revenue / minorUnitsPerMajor(currency());
  const orders = createMinuteChart({
    id: 'orders-per-minute',
    title: 'Orders placed per minute (gross)',
    label: 'Orders',
    kind: 'bars',
    stroke: theme.orders,
    fill: theme.ordersFill,
    value: (point) => point.orders,
    formatValue: (value) => formatCount(value),
  });
  const revenue = createMinuteChart({
    id: 'revenue-per-minute',
    title: 'Gross sales per minute',
    label: 'Revenue',
    kind: 'area',
    stroke: theme.revenue,
    fill: theme.revenueFill,
    value: majorRevenue,
    formatValue: (value) =>
      new Intl.NumberFormat(undefined, { style: 'currency', currency: currency(), notation: 'compact', maximumFractionDigits: 1 }).format(value),
  });
  orders.panel.subtitle.textContent = 'last 60 minutes';
  revenue.panel.subtitle.textContent = 'last 60 minutes';

  return {
    orders,
    revenue,
    /** `ratePerMinute`: the gateway's trailing average, when known. */
    show(series: MinuteSeries, ratePerMinute: number | null) {
      const current = series.points.at(-1);
      const hourOrders = series.points.reduce((sum, point) => sum + point.orders, 0);
      const hourRevenue = series.points.reduce((sum, point) => sum + point.revenue, 0);
      const rate = ratePerMinute === null ? '' : ` · 5-min average ${formatCount(ratePerMinute)}/min`;
      orders.show(series, `This minute ${formatCount(current?.orders ?? 0)}${rate} · ${formatCount(hourOrders)} in the hour`);
      revenue.show(
        series,
        `This minute ${formatMoney({ amount: current?.revenue ?? 0, currency: currency() })} · ${formatMoney({ amount: hourRevenue, currency: currency() })} in the hour`,
      );
    },
  };
}
