import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipelineIdentities } from '@rtc/manifests';
import { Pod } from 'kubernetes-models/v1/Pod';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ciDirectory, repositoryRoot, runCommand } from './run-script';

const jenkinsfile = readFileSync(path.join(ciDirectory, 'Jenkinsfile'), 'utf8');
const ciScripts = (JSON.parse(readFileSync(path.join(ciDirectory, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const rootScripts = (JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

interface LintReport {
  summary: { totalFoundErrorNumber: number };
  files: Record<string, { errors: { severity: string; msg: string; line: string | number }[] }>;
}

async function groovyLint(directory: string): Promise<LintReport> {
  const bin = path.join(repositoryRoot, 'node_modules', '.bin', 'npm-groovy-lint');
  const run = await runCommand(bin, ['--noserver', '--failon', 'error', '--output', 'json', 'Jenkinsfile'], { cwd: directory });
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as LintReport;
}

function podOf(file: string): NonNullable<ConstructorParameters<typeof Pod>[0]> {
  return parse(readFileSync(path.join(ciDirectory, file), 'utf8')) as NonNullable<ConstructorParameters<typeof Pod>[0]>;
}

/** The body of a stage: from its `stage('name')` to the next stage at any depth. */
function stageBody(name: string): string {
  const start = jenkinsfile.indexOf(`stage('${name}')`);
  expect(start, `stage ${name}`).toBeGreaterThan(-1);
  const next = jenkinsfile.indexOf("stage('", start + 1);
  return jenkinsfile.slice(start, next === -1 ? undefined : next);
}

describe('the Jenkinsfile', () => {
  it('passes npm-groovy-lint without errors', async () => {
    const report = await groovyLint(ciDirectory);
    const errors = Object.values(report.files).flatMap((file) => file.errors.filter((error) => error.severity === 'error'));
    expect(errors).toEqual([]);
    expect(report.summary.totalFoundErrorNumber).toBe(0);
    // npm-groovy-lint starts a JVM and CodeNarc: well over a minute on a loaded 2-core machine.
  }, 240_000);

  it('is linted for real: a broken pipeline fails the lint', async () => {
    const broken = mkdtempSync(path.join(os.tmpdir(), 'rtc-jenkinsfile-'));
    writeFileSync(path.join(broken, 'Jenkinsfile'), jenkinsfile.replace("stage('Test') {", "stage('Test') {{"));
    try {
      expect((await groovyLint(broken)).summary.totalFoundErrorNumber).toBeGreaterThan(0);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 240_000);

  it('verifies every branch, then releases main to dev, waits for approval and promotes to production, in that order', () => {
    const stages = [...jenkinsfile.matchAll(/stage\('([^']+)'\)/g)].map((match) => match[1]);
    expect(stages).toEqual([
      'Verify',
      'Install',
      'Lint and typecheck',
      'Lint',
      'Typecheck',
      'Audit',
      'Test',
      'Release to dev',
      'Dev plan',
      'Dev images',
      'Dev migrations',
      'Dev rollout',
      'Dev smoke test',
      'Approve production',
      'Promote to production',
      'Production images',
      'Production migrations',
      'Production rollout',
      'Production smoke test',
    ]);
  });

  it('calls only npm scripts that exist, so every stage runs here too', () => {
    const calls = [...jenkinsfile.matchAll(/npm run (?:--silent )?([\w:-]+)( -w @rtc\/ci)?/g)];
    expect(calls.length).toBeGreaterThan(8);
    for (const [, script, inCi] of calls) {
      expect(inCi ? ciScripts : rootScripts, `npm run ${script}`).toHaveProperty(script!);
    }
    expect(jenkinsfile).toContain("sh 'npm test'");
    expect(jenkinsfile).toContain("sh 'npm ci --no-audit --no-fund'");
  });

  it('builds any branch in a pod without cloud rights, and deploys from main alone in the deploy pod', () => {
    expect(jenkinsfile).toMatch(/^pipeline \{\s+agent none/m);
    expect(stageBody('Verify')).toContain("yamlFile 'ci/agent-pod.yaml'");
    expect(stageBody('Verify')).not.toContain('when {');
    for (const stage of ['Release to dev', 'Approve production', 'Promote to production']) {
      expect(stageBody(stage), stage).toContain("when { branch 'main' }");
    }
    for (const stage of ['Release to dev', 'Promote to production']) expect(stageBody(stage)).toContain("yamlFile 'ci/deploy-pod.yaml'");
    // Only the deploy pod's stages talk to AWS or the cluster.
    const verify = jenkinsfile.slice(jenkinsfile.indexOf("stage('Verify')"), jenkinsfile.indexOf("stage('Release to dev')"));
    expect(verify).not.toMatch(/aws |kubectl|container\(/);
    const build = podOf('agent-pod.yaml');
    const deploy = podOf('deploy-pod.yaml');
    expect(build.spec!.serviceAccountName).toBe(pipelineIdentities.build.serviceAccount);
    expect(build.spec!.automountServiceAccountToken).toBe(false);
    expect(deploy.spec!.serviceAccountName).toBe(pipelineIdentities.deploy.serviceAccount);
    // The deploy role trusts exactly this namespace and ServiceAccount.
    expect(deploy.metadata!.namespace).toBe(pipelineIdentities.deploy.namespace);
    for (const stage of ['Release to dev', 'Promote to production']) {
      expect(stageBody(stage)).toContain(`namespace '${pipelineIdentities.deploy.namespace}'`);
    }
  });

  it('builds with buildah, pins digests, and rolls back when a rollout or a smoke test fails', () => {
    expect(stageBody('Dev images')).toContain("container('buildah')");
    expect(stageBody('Dev images')).toContain('ci:pin');
    expect(jenkinsfile).not.toMatch(/kaniko/i);
    // The rollback is decided before anything rolls.
    for (const stage of ['Dev migrations', 'Production migrations']) expect(stageBody(stage)).toContain('ci:rollback');
    for (const stage of ['Dev rollout', 'Dev smoke test', 'Production rollout', 'Production smoke test']) {
      expect(stageBody(stage), stage).toMatch(/post \{\s+failure \{\s+container\('kubectl'\) \{[\s\S]*?sh 'sh "\$\{RELEASE_DIR\}\/rollback.sh"'/);
    }
  });

  it('promotes to production, after a manual approval, the release that passed in dev, digest for digest', () => {
    expect(stageBody('Approve production')).toMatch(/input message: '[^']+', ok: 'Promote'/);
    expect(stageBody('Approve production')).not.toContain('agent {');
    expect(stageBody('Dev smoke test')).toContain("stash name: 'release', includes: 'build/release/release.json'");
    expect(stageBody('Production images')).toContain("unstash 'release'");
    expect(stageBody('Production images')).toContain('ci:promote');
    expect(stageBody('Production images')).toContain("container('skopeo')");
    expect(stageBody('Production migrations')).toContain('--overlay prod --release "${RELEASE_DIR}/release.json"');
    // Production is never built: no plan, no buildah after the approval.
    const production = jenkinsfile.slice(jenkinsfile.indexOf("stage('Approve production')"));
    expect(production).not.toMatch(/ci:plan|ci:images|buildah/);
  });

  it('audits the production dependencies on every branch, before the tests', () => {
    expect(stageBody('Audit')).toContain("sh 'npm run ci:audit -w @rtc/ci'");
    expect(stageBody('Audit')).not.toContain('when {');
    expect(ciScripts['ci:audit']).toBe('tsx scripts/audit.ts');
  });

  it.each(['agent-pod.yaml', 'deploy-pod.yaml'])('runs in %s, valid, with every container its stages use, at pinned images', (file) => {
    const pod = podOf(file);
    expect(() => new Pod(pod).validate()).not.toThrow();
    const containers = pod.spec!.containers;
    const names = containers.map((container) => container.name);
    // The stages that run in this pod: from each agent naming the file to the next agent.
    const bodies = jenkinsfile.split(/agent \{/).filter((body) => body.includes(`yamlFile 'ci/${file}'`));
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const used = [...body.matchAll(/container\('([^']+)'\)/g)].map((match) => match[1]!);
      const defaultContainer = /defaultContainer '([^']+)'/.exec(body)?.[1];
      for (const name of [...used, defaultContainer!]) expect(names).toContain(name);
    }
    for (const container of containers) expect(container.image, container.name).toMatch(/:v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/);
    const nodeMajor = readFileSync(path.join(repositoryRoot, '.nvmrc'), 'utf8').trim();
    expect(containers.find((container) => container.name === 'node')?.image).toMatch(new RegExp(`^node:${nodeMajor}\\.`));
    expect(pod.metadata?.labels?.['app.kubernetes.io/part-of']).toBe('rtc-ci');
  });
});
