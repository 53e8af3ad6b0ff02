import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCiScript, runCommand } from './run-script';

// A kubectl that records its arguments and answers from files: job-<name> holds "complete" or "failed",
// revision-<deployment> the revision the cluster reports.
const fakeKubectl = `#!/bin/sh
echo "$*" >> "$FAKE_STATE/calls"
case "$3 $4" in
  "get job")
    state=$(cat "$FAKE_STATE/job-$5" 2>/dev/null || echo running)
    case "$7" in
      *Complete*) [ "$state" = complete ] && echo True ;;
      *Failed*) [ "$state" = failed ] && echo True ;;
    esac ;;
  "get deployment/"*) cat "$FAKE_STATE/revision-\${4#deployment/}" ;;
  "logs job/"*) echo "log of $4" ;;
esac
exit 0
`;

const job = (name: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  namespace: rtc
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: example }]
`;
const migrations = [job('catalog-migrate'), job('orders-migrate')].join('---\n');

// What ran before the release: `kubectl get deployments -o json`; inventory and activity had no revision yet.
const deployed = {
  items: Object.entries({ gateway: '7', users: '3', catalog: '4', orders: '2' }).map(([name, revision]) => ({
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': revision } },
    spec: { template: { spec: { containers: [{ name, image: `registry/${name}@sha256:${'a'.repeat(64)}` }] } } },
  })),
};

describe('the kubectl steps of a release', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  const state = (file: string, text: string) => writeFileSync(path.join(work, 'state', file), text);
  const calls = () =>
    readFileSync(path.join(work, 'state', 'calls'), 'utf8')
      .trim()
      .split('\n');
  const script = async (name: string, args: string[]) => {
    const run = await runCiScript(name, [...args, '--out', `${name}.sh`], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const syntax = await runCommand('sh', ['-n', path.join(work, `${name}.sh`)]);
    expect(syntax.code, syntax.stderr).toBe(0);
    return runCommand('sh', [path.join(work, `${name}.sh`)], { cwd: work, env });
  };

  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'rtc-release-'));
    mkdirSync(path.join(work, 'bin'));
    mkdirSync(path.join(work, 'state'));
    writeFileSync(path.join(work, 'bin', 'kubectl'), fakeKubectl);
    chmodSync(path.join(work, 'bin', 'kubectl'), 0o755);
    writeFileSync(path.join(work, 'state', 'calls'), '');
    writeFileSync(path.join(work, 'migrations.yaml'), migrations);
    writeFileSync(path.join(work, 'deployed.json'), JSON.stringify(deployed));
    env = { ...process.env, PATH: `${path.join(work, 'bin')}:${process.env.PATH}`, FAKE_STATE: path.join(work, 'state') };
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('replaces and runs the migration Jobs of the rendered manifest, waiting for each', async () => {
    state('job-catalog-migrate', 'complete');
    state('job-orders-migrate', 'complete');
    const run = await script('migrate', ['--manifest', 'migrations.yaml']);
    expect(run.code, run.stderr).toBe(0);
    expect(calls().slice(0, 2)).toEqual([
      '--namespace rtc delete job catalog-migrate orders-migrate --ignore-not-found --wait=true',
      '--namespace rtc apply -f migrations.yaml',
    ]);
    expect(calls().filter((call) => call.includes(' get job '))).toHaveLength(4);
    expect(run.stdout).toContain('orders-migrate complete');
  });

  it('stops with the logs of a failed migration, before any other Job is waited for', async () => {
    state('job-catalog-migrate', 'failed');
    state('job-orders-migrate', 'complete');
    const run = await script('migrate', ['--manifest', 'migrations.yaml']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('catalog-migrate did not complete');
    expect(run.stderr).toContain('log of job/catalog-migrate');
    expect(calls().some((call) => call.includes('get job orders-migrate'))).toBe(false);
  });

  it('applies the workloads and waits for every Deployment to roll', async () => {
    const run = await script('rollout', ['--manifest', 'workloads.yaml', '--timeout', '120']);
    expect(run.code, run.stderr).toBe(0);
    expect(calls()).toEqual([
      'apply -f workloads.yaml',
      ...['gateway', 'users', 'catalog', 'orders', 'inventory', 'activity'].map((name) => `--namespace rtc rollout status deployment/${name} --timeout=120s`),
    ]);
  });

  it('rolls back exactly the Deployments whose revision moved, to the revision they ran before', async () => {
    state('revision-gateway', '8');
    state('revision-users', '3');
    state('revision-catalog', '5');
    state('revision-orders', '2');
    const run = await script('rollback', ['--deployed', 'deployed.json']);
    expect(run.code, run.stderr).toBe(0);
    const undo = calls().filter((call) => call.includes('rollout undo'));
    expect(undo).toEqual([
      '--namespace rtc rollout undo deployment/gateway --to-revision=7',
      '--namespace rtc rollout undo deployment/catalog --to-revision=4',
    ]);
    expect(run.stderr).toContain('inventory has no earlier revision to return to');
    expect(run.stderr).toContain('activity has no earlier revision to return to');
  });

  it('writes a migration step that runs nothing when no subgraph changes', async () => {
    writeFileSync(path.join(work, 'migrations.yaml'), '');
    const run = await script('migrate', ['--manifest', 'migrations.yaml']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('no migration to run');
    expect(calls()).toEqual(['']);
  });

  it('prints the rollback commands when asked without running anything', async () => {
    const run = await runCiScript('rollback', ['--deployed', 'deployed.json'], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('kubectl --namespace rtc rollout undo deployment/gateway --to-revision=7');
  });
});
