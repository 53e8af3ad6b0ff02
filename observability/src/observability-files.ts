import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (relative: string): string => fileURLToPath(new URL(`../${relative}`, import.meta.url));

/** Where the committed Prometheus and Grafana files of this workspace live. */
export const observabilityFiles = {
  root,
  prometheusLocalConfig: at('prometheus/prometheus.local.yml'),
  prometheusKubernetesConfig: at('prometheus/prometheus.kubernetes.yml'),
  rulesDir: at('prometheus/rules'),
  recordingRules: at('prometheus/rules/recording.yml'),
  alertRules: at('prometheus/rules/alerts.yml'),
  ruleTestsDir: at('prometheus/tests'),
  dashboardsDir: at('grafana/dashboards'),
  datasourceProvisioning: at('grafana/provisioning/datasources/prometheus.yml'),
  dashboardProvisioning: at('grafana/provisioning/dashboards/rtc.yml'),
  runbook: at('RUNBOOK.md'),
} as const;

/** The `promtool test rules` files (prometheus/tests/*.test.yml), sorted. */
export async function listRuleTestFiles(): Promise<string[]> {
  return (await readdir(observabilityFiles.ruleTestsDir))
    .filter((name) => name.endsWith('.test.yml'))
    .sort()
    .map((name) => join(observabilityFiles.ruleTestsDir, name));
}
