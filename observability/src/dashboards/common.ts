import { DashboardBuilder, DashboardLinkBuilder, DashboardLinkType, DatasourceVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';

/** The template variable every panel reads its data source from. */
export const datasourceVariable = 'datasource';

/**
 * The Prometheus data source, chosen on the dashboard: Grafana's default one unless the viewer picks
 * another. So the same JSON works with the local provisioning (uid rtc-prometheus) and with
 * kube-prometheus-stack's, whose Prometheus has a uid of its own.
 */
function datasourceChoice(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(datasourceVariable)
    .label('Data source')
    .type('prometheus')
    .current({ selected: true, text: 'default', value: 'default' });
}

/** Settings both RTC dashboards share, the data source variable, and a link to each other through the shared tag. */
export function rtcDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['rtc'])
    .timezone('browser')
    .refresh('30s')
    .withVariable(datasourceChoice())
    .link(new DashboardLinkBuilder('RTC dashboards').type(DashboardLinkType.Dashboards).tags(['rtc']).asDropdown(true).keepTime(true));
}
