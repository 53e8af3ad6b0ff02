import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from './free-port';
import { evaluatePanels } from './panel-evaluation';
import { loadPrometheusConfig } from './prometheus-config';
import { startPrometheus, type RunningPrometheus } from './prometheus-process';
import { readPanelQueries, readRuleExpressions } from './queries';
import { observabilityFiles } from './observability-files';

// A real Prometheus that scrapes itself and loads RTC's rules: every dashboard query and every
// rule must be valid PromQL to this version of Prometheus, and every rule must evaluate cleanly.
describe('RTC queries on a real Prometheus', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    const local = await loadPrometheusConfig(observabilityFiles.prometheusLocalConfig);
    const listenAddress = `127.0.0.1:${await findFreePort()}`;
    prometheus = await startPrometheus({
      listenAddress,
      config: {
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: local.rule_files,
        scrape_configs: [{ job_name: 'prometheus', static_configs: [{ targets: [listenAddress] }] }],
      },
    });
    await prometheus.waitForScrapes();
    await prometheus.waitForRuleEvaluation();
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('scrapes its target and serves the configuration it loaded', async () => {
    const up = await prometheus.vector('up{job="prometheus"}');
    expect(up.map((sample) => sample.value[1])).toEqual(['1']);
    const loaded = await prometheus.loadedConfig();
    expect(loaded).toContain(observabilityFiles.recordingRules);
    expect(loaded).toContain(observabilityFiles.alertRules);
  });

  it('loads every recording and alerting rule and evaluates each without error', async () => {
    const groups = await prometheus.ruleGroups();
    const loaded = groups.flatMap((group) => group.rules);
    const written = await readRuleExpressions();
    expect(loaded.map((rule) => rule.name).sort()).toEqual(written.map((rule) => rule.name).sort());
    const unhealthy = loaded.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.lastError ?? rule.health}`);
    expect(unhealthy).toEqual([]);
  });

  it('accepts every rule expression through /api/v1/query', async () => {
    const rules = await readRuleExpressions();
    const failures: string[] = [];
    for (const rule of rules) {
      const answer = await prometheus.query(rule.expr);
      if (answer.status !== 'success') failures.push(`${rule.name}: ${answer.error}`);
    }
    expect(failures).toEqual([]);
  });

  it('accepts every Grafana panel query through /api/v1/query', async () => {
    const panels = await evaluatePanels(prometheus, await readPanelQueries());
    expect(panels.length).toBeGreaterThan(20);
    const refused = panels.filter((panel) => panel.errors.length > 0).map((panel) => `${panel.dashboard} / ${panel.panel}: ${panel.errors.join('; ')}`);
    expect(refused).toEqual([]);
  });

  it('counts the data a panel returns, so a panel over absent metrics shows as empty', async () => {
    const [self, absent] = await evaluatePanels(prometheus, [
      { dashboard: 'probe', panel: 'self', refId: 'A', expr: 'up', promql: 'up' },
      { dashboard: 'probe', panel: 'absent', refId: 'A', expr: 'rtc_orders_placed_total', promql: 'rtc_orders_placed_total' },
    ]);
    expect(self).toMatchObject({ panel: 'self', errors: [], series: 1 });
    expect(absent).toMatchObject({ panel: 'absent', errors: [], series: 0 });
  });

  it('answers a malformed query with an error, so the checks above can fail', async () => {
    const answer = await prometheus.query('sum(rate(rtc_orders_placed_total[1m])');
    expect(answer.status).toBe('error');
    const [panel] = await evaluatePanels(prometheus, [{ dashboard: 'probe', panel: 'broken', refId: 'A', expr: 'sum(', promql: 'sum(' }]);
    expect(panel?.errors).toEqual([expect.stringMatching(/^A: bad_data: /)]);
  });
});
