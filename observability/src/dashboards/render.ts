import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildBusinessDashboard } from './business';
import { buildServicesDashboard } from './services';

/** File name in grafana/dashboards/ → the dashboard it holds. */
export function buildDashboards(): Record<string, Dashboard> {
  return {
    'rtc-business.json': buildBusinessDashboard(),
    'rtc-services.json': buildServicesDashboard(),
  };
}

/** The committed form: stable key order from the builders, two-space indent, final newline. */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
