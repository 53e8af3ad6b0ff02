import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listRuleTestFiles, observabilityFiles } from './observability-files';
import { runPromtool } from './promtool';
import { readRuleExpressions } from './queries';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleUnitTests {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const alertRules = async (): Promise<AlertRule[]> =>
  (parse(await readFile(observabilityFiles.alertRules, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((group) => group.rules);

const inWorkspace = (path: string) => relative(observabilityFiles.root, path);

describe('Prometheus configuration and rules', () => {
  it('passes promtool check config for the local stack, rule files included', async () => {
    const result = await runPromtool(['check', 'config', inWorkspace(observabilityFiles.prometheusLocalConfig)], {
      cwd: observabilityFiles.root,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('2 rule files found');
  });

  it('passes promtool check rules', async () => {
    const files = [observabilityFiles.recordingRules, observabilityFiles.alertRules].map(inWorkspace);
    const result = await runPromtool(['check', 'rules', ...files], { cwd: observabilityFiles.root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('tests every alert both firing and not firing', async () => {
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const file of await listRuleTestFiles()) {
      const unitTests = parse(await readFile(file, 'utf8')) as RuleUnitTests;
      for (const check of unitTests.tests.flatMap((test) => test.alert_rule_test ?? [])) {
        ((check.exp_alerts ?? []).length > 0 ? firing : quiet).add(check.alertname);
      }
    }
    const alerts = (await alertRules()).map((rule) => rule.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    expect(
      alerts.filter((alert) => !firing.has(alert)),
      'alerts never tested firing',
    ).toEqual([]);
    expect(
      alerts.filter((alert) => !quiet.has(alert)),
      'alerts never tested quiet',
    ).toEqual([]);
  });

  it('covers the alerts the issue asks for', async () => {
    const expressions = (await alertRules()).map((rule) => rule.expr).join('\n');
    for (const signal of [
      'rtc:graphql_error_ratio:rate5m',
      'rtc:graphql_request_duration_seconds:p99_5m',
      'up{job=~"users|catalog|orders|inventory"}',
      'rtc_outbox_oldest_pending_age_seconds',
      'rtc_db_pool_waiting_requests',
      'rtc_orders_placed_total',
      'rtc:products_out_of_stock:max',
    ]) {
      expect(expressions).toContain(signal);
    }
  });

  it('gives every alert a severity, a for: delay, a summary, a description and a runbook section that exists', async () => {
    const runbook = await readFile(observabilityFiles.runbook, 'utf8');
    const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((match) => `#${match[1]!.trim().toLowerCase()}`));
    for (const rule of await alertRules()) {
      expect(rule.alert, 'alert names carry the Rtc prefix').toMatch(/^Rtc[A-Z]\w+$/);
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      const runbookLink = rule.annotations?.runbook ?? '';
      expect(runbookLink, rule.alert).toMatch(/^observability\/RUNBOOK\.md#/);
      expect(anchors, rule.alert).toContain(runbookLink.slice(runbookLink.indexOf('#')));
    }
  });

  it('names recording rules level:metric:operation and never records the same name twice', async () => {
    const recorded = (await readRuleExpressions()).filter((rule) => rule.kind === 'record').map((rule) => rule.name);
    for (const name of recorded) expect(name).toMatch(/^rtc:[a-z0-9_]+(:[a-z0-9_]+)?$/);
    expect(new Set(recorded).size).toBe(recorded.length);
  });
});
