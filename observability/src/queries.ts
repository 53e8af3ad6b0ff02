import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { observabilityFiles } from './observability-files';

/** One PromQL expression of a Grafana panel. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  /** As written in the dashboard. */
  readonly expr: string;
  /** With Grafana's built-in variables replaced, ready for Prometheus's API. */
  readonly promql: string;
}

/** One expression of a recording or alerting rule. */
export interface RuleExpression {
  readonly file: string;
  readonly group: string;
  readonly kind: 'record' | 'alert';
  readonly name: string;
  readonly expr: string;
}

interface DashboardJson {
  title: string;
  panels?: PanelJson[];
}

interface PanelJson {
  type: string;
  title?: string;
  panels?: PanelJson[];
  targets?: { refId?: string; expr?: string }[];
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

// Grafana expands these before querying; for a check through the API, a typical value will do.
const grafanaVariables: Readonly<Record<string, string>> = {
  $__rate_interval: '1m',
  $__interval: '15s',
  $__range: '1h',
};

export function toPromql(expr: string): string {
  return Object.entries(grafanaVariables).reduce((promql, [variable, value]) => promql.replaceAll(variable, value), expr);
}

/** Every query of every panel, rows' nested panels included. */
export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  return panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      dashboard: dashboard.title,
      panel: panel.title ?? '(untitled)',
      refId: target.refId ?? '',
      expr: target.expr ?? '',
      promql: toPromql(target.expr ?? ''),
    })),
  );
}

export function ruleExpressions(file: string, rules: RuleFile): RuleExpression[] {
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      file,
      group: group.name,
      kind: rule.alert === undefined ? ('record' as const) : ('alert' as const),
      name: rule.alert ?? rule.record ?? '(unnamed)',
      expr: rule.expr,
    })),
  );
}

export async function readDashboards(dir = observabilityFiles.dashboardsDir): Promise<DashboardJson[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(files.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as DashboardJson));
}

/** Every panel query of the committed dashboards. */
export async function readPanelQueries(dir = observabilityFiles.dashboardsDir): Promise<PanelQuery[]> {
  return (await readDashboards(dir)).flatMap(panelQueries);
}

/** Every rule expression of the committed rule files. */
export async function readRuleExpressions(dir = observabilityFiles.rulesDir): Promise<RuleExpression[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.yml')).sort();
  const perFile = await Promise.all(files.map(async (name) => ruleExpressions(name, parse(await readFile(join(dir, name), 'utf8')) as RuleFile)));
  return perFile.flat();
}
