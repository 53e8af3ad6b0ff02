import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditVerdict, runNpmAudit } from '../src/npm-audit';
import { ciDirectory, runCiScript } from './run-script';

/** `npm audit --json` as npm 11 prints it when the registry answers. */
function report(vulnerabilities: Record<string, { severity: string; fixAvailable?: boolean }>) {
  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } as Record<string, number>;
  for (const { severity } of Object.values(vulnerabilities)) {
    counts[severity]! += 1;
    counts['total']! += 1;
  }
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(
      Object.entries(vulnerabilities).map(([name, finding]) => [
        name,
        { name, severity: finding.severity, isDirect: false, via: [], effects: [], range: '<1.0.0', nodes: [], fixAvailable: finding.fixAvailable ?? true },
      ]),
    ),
    metadata: { vulnerabilities: counts, dependencies: { prod: 120, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 120 } },
  });
}

describe('the npm audit verdict', () => {
  it('fails on a high or critical finding when the registry answers', () => {
    const verdict = auditVerdict(1, report({ 'path-to-regexp': { severity: 'high' }, cookie: { severity: 'low' } }));
    expect(verdict.outcome).toBe('findings');
    expect(verdict.message).toContain('path-to-regexp (high, fix available)');
    expect(auditVerdict(1, report({ 'fast-xml-parser': { severity: 'critical', fixAvailable: false } })).outcome).toBe('findings');
  });

  it('passes when the answer holds nothing above moderate, and says what it holds', () => {
    expect(auditVerdict(0, report({}))).toEqual({ outcome: 'clean', message: 'npm audit: no high or critical finding in production dependencies' });
    expect(auditVerdict(0, report({ cookie: { severity: 'low' }, brace: { severity: 'moderate' } })).message).toContain('1 low, 1 moderate');
  });

  it('does not fail when the advisory request got no answer: refused, timed out, or an HTTP error status', () => {
    const refused = JSON.stringify({
      message: 'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:443',
      error: { summary: '', detail: '' },
    });
    const notAllowed = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    });
    expect(auditVerdict(1, refused, 'npm error audit endpoint returned an error').outcome).toBe('unreachable');
    expect(auditVerdict(1, notAllowed).outcome).toBe('unreachable');
    expect(auditVerdict(1, '', 'npm error code EAI_AGAIN\nnpm error request to https://registry.npmjs.org/ failed').outcome).toBe('unreachable');
  });

  it('fails when npm itself fails, e.g. without a lockfile', () => {
    const noLock = JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.', detail: '' } });
    expect(auditVerdict(1, noLock)).toMatchObject({ outcome: 'error', message: expect.stringContaining('ENOLOCK') });
  });
});

describe('npm audit, run for real', () => {
  it('reports an unreachable registry as unreachable, not as findings', async () => {
    const verdict = await runNpmAudit(path.resolve(ciDirectory, '..'), ['--registry=http://127.0.0.1:9/', '--fetch-retries=0']);
    expect(verdict.outcome).toBe('unreachable');
  });

  it('judges npm failing on its own, without a lockfile, as an error', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'rtc-audit-'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'no-lockfile', version: '1.0.0' }));
    try {
      const verdict = await runNpmAudit(project);
      expect(verdict).toMatchObject({ outcome: 'error', message: expect.stringContaining('lockfile') });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('passes the ci:audit script when the registry cannot be reached, with a warning', async () => {
    const run = await runCiScript('audit', [], { env: { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('WARNING: npm audit got no report from the registry');
  });
});
