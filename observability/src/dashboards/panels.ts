import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import { DashboardLinkBuilder, type DataSourceRef, type GridPos, type Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { datasourceVariable } from './common';

/** The data source every RTC panel and query reads: the dashboard's `datasource` template variable. */
export const prometheusDatasource: DataSourceRef = { type: 'prometheus', uid: `\${${datasourceVariable}}` };

/** A panel the layout can place and number. */
export interface PlaceablePanel extends Builder<Panel> {
  gridPos(gridPos: GridPos): this;
  id(id: number): this;
}

export interface Query {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  /** What the number means, shown as the panel's tooltip. */
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Links from a point of a series, e.g. to the traces behind it; Grafana interpolates `${__field.labels.x}`, `${__value.raw}`. */
  readonly dataLinks?: readonly { readonly title: string; readonly url: string }[];
}

const refIds = 'ABCDEFGHIJ';

function targets(queries: readonly Query[], { instant }: { instant: boolean }): DataqueryBuilder[] {
  return queries.map((query, index) => {
    const target = new DataqueryBuilder().datasource(prometheusDatasource).refId(refIds.charAt(index)).expr(query.expr).legendFormat(query.legend);
    return instant ? target.instant() : target.range();
  });
}

/** A line chart over the dashboard's time range. */
export function timeseries(spec: PanelSpec): PlaceablePanel {
  const panel = new TimeseriesBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(prometheusDatasource)
    .targets(targets(spec.queries, { instant: false }))
    .unit(spec.unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom));
  if (!spec.dataLinks) return panel;
  return panel.dataLinks(spec.dataLinks.map((link) => new DashboardLinkBuilder(link.title).url(link.url).targetBlank(true)));
}

/** A big number: the latest value, with a sparkline of the range. */
export function stat(spec: PanelSpec): PlaceablePanel {
  return new StatBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(prometheusDatasource)
    .targets(targets(spec.queries, { instant: false }))
    .unit(spec.unit)
    .graphMode(BigValueGraphMode.Area)
    .colorMode(BigValueColorMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/** Horizontal bars, one per series, in the order the query returns them. */
export function ranking(spec: PanelSpec): PlaceablePanel {
  return new BarGaugeBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(prometheusDatasource)
    .targets(targets(spec.queries, { instant: true }))
    .unit(spec.unit)
    .min(0)
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Basic)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}
