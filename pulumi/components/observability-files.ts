import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** One Prometheus rule file, as kube-prometheus-stack's additionalPrometheusRulesMap takes it. */
export interface RuleFile {
  /** The file name without its extension; becomes the PrometheusRule's name. */
  readonly name: string;
  readonly groups: unknown[];
}

/** One Grafana dashboard, provisioned through the Grafana sidecar. */
export interface DashboardFile {
  readonly name: string;
  /** The dashboard JSON exactly as committed. */
  readonly json: string;
}

export interface ObservabilityFiles {
  readonly rules: RuleFile[];
  readonly dashboards: DashboardFile[];
}

function listFiles(dir: string, extensions: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => extensions.includes(path.extname(file)))
    .sort();
}

/**
 * Reads RTC's Prometheus rules (prometheus/rules/*.yml) and Grafana dashboards (grafana/dashboards/*.json)
 * at deploy time. Missing folders mean nothing to load; a file that does not parse stops the deploy,
 * naming the file, rather than shipping half the alerts.
 */
export function readObservabilityFiles(observabilityDir: string): ObservabilityFiles {
  const rulesDir = path.join(observabilityDir, 'prometheus', 'rules');
  const dashboardsDir = path.join(observabilityDir, 'grafana', 'dashboards');

  const rules = listFiles(rulesDir, ['.yml', '.yaml']).map((file) => {
    const document = parse(readFileSync(path.join(rulesDir, file), 'utf8')) as { groups?: unknown } | null;
    if (!document || !Array.isArray(document.groups)) {
      throw new Error(`${path.join(rulesDir, file)}: a Prometheus rule file needs a top-level "groups" list`);
    }
    return { name: path.basename(file, path.extname(file)), groups: document.groups };
  });

  const dashboards = listFiles(dashboardsDir, ['.json']).map((file) => {
    const json = readFileSync(path.join(dashboardsDir, file), 'utf8');
    try {
      JSON.parse(json);
    } catch (error) {
      throw new Error(`${path.join(dashboardsDir, file)}: not valid JSON (${(error as Error).message})`);
    }
    return { name: path.basename(file, '.json'), json };
  });

  return { rules, dashboards };
}
