import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readObservabilityFiles } from '../components/observability-files.js';

const made: string[] = [];
function observabilityDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rtc-observability-'));
  made.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("reading RTC's rules and dashboards at deploy time", () => {
  it('loads nothing, without failing, when the folders do not exist yet', () => {
    expect(readObservabilityFiles(observabilityDir({}))).toEqual({ rules: [], dashboards: [] });
  });

  it('reads every .yml and .yaml rule file and every .json dashboard, in name order, and ignores other files', () => {
    const dir = observabilityDir({
      'prometheus/rules/recording.yml': 'groups:\n  - name: rtc-recording\n    rules: []\n',
      'prometheus/rules/alerts.yaml': 'groups:\n  - name: rtc-alerts\n    rules:\n      - alert: GatewayDown\n        expr: up == 0\n',
      'prometheus/rules/README.md': 'not a rule file',
      'grafana/dashboards/rtc-services.json': '{"title":"services"}',
      'grafana/dashboards/rtc-business.json': '{"title":"business"}',
    });
    const files = readObservabilityFiles(dir);
    expect(files.rules).toEqual([
      { name: 'alerts', groups: [{ name: 'rtc-alerts', rules: [{ alert: 'GatewayDown', expr: 'up == 0' }] }] },
      { name: 'recording', groups: [{ name: 'rtc-recording', rules: [] }] },
    ]);
    expect(files.dashboards).toEqual([
      { name: 'rtc-business', json: '{"title":"business"}' },
      { name: 'rtc-services', json: '{"title":"services"}' },
    ]);
  });

  it('stops the deploy, naming the file, when a rule file has no groups', () => {
    const dir = observabilityDir({ 'prometheus/rules/broken.yml': 'rules: []\n' });
    expect(() => readObservabilityFiles(dir)).toThrow(/broken\.yml: a Prometheus rule file needs a top-level "groups" list/);
  });

  it('stops the deploy, naming the file, when a dashboard is not JSON', () => {
    const dir = observabilityDir({ 'grafana/dashboards/half.json': '{"title":' });
    expect(() => readObservabilityFiles(dir)).toThrow(/half\.json: not valid JSON/);
  });
});
