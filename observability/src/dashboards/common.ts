import { DashboardBuilder, DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

/** Settings both RTC dashboards share, and a link to each other through the shared tag. */
export function rtcDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['rtc'])
    .timezone('browser')
    .refresh('30s')
    .link(new DashboardLinkBuilder('RTC dashboards').type(DashboardLinkType.Dashboards).tags(['rtc']).asDropdown(true).keepTime(true));
}
