import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

  it('runs the stages of a release in order', () => {
    const stages = [...jenkinsfile.matchAll(/stage\('([^']+)'\)/g)].map((match) => match[1]);
    expect(stages).toEqual(['Install', 'Lint and typecheck', 'Lint', 'Typecheck', 'Audit', 'Test', 'Plan', 'Images', 'Migrations', 'Rollout', 'Smoke test']);
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

  it('deploys from main only, and rolls back when the rollout or the smoke test fails', () => {
    for (const stage of ['Plan', 'Images', 'Migrations', 'Rollout', 'Smoke test']) expect(stageBody(stage)).toContain("when { branch 'main' }");
    for (const stage of ['Rollout', 'Smoke test']) {
      expect(stageBody(stage)).toMatch(/post \{\s+failure \{\s+container\('kubectl'\) \{\s+sh 'sh "\$\{RELEASE_DIR\}\/rollback.sh"'/);
    }
    // The rollback is decided before anything rolls.
    expect(stageBody('Migrations')).toContain('ci:rollback');
    expect(stageBody('Images')).toContain("container('kaniko')");
    expect(stageBody('Test')).toContain('npm test');
  });

  it('audits the production dependencies on every branch, before the tests', () => {
    expect(stageBody('Audit')).toContain("sh 'npm run ci:audit -w @rtc/ci'");
    expect(stageBody('Audit')).not.toContain('when {');
    expect(ciScripts['ci:audit']).toBe('tsx scripts/audit.ts');
  });

  it('runs in an agent pod that is valid and has every container a stage uses, at pinned images', () => {
    const file = /yamlFile '([^']+)'/.exec(jenkinsfile)?.[1];
    expect(file).toBe('ci/agent-pod.yaml');
    const pod = parse(readFileSync(path.join(repositoryRoot, file!), 'utf8')) as ConstructorParameters<typeof Pod>[0];
    expect(() => new Pod(pod).validate()).not.toThrow();
    const containers = pod!.spec!.containers;
    const names = containers.map((container) => container.name);
    const used = [...jenkinsfile.matchAll(/container\('([^']+)'\)/g)].map((match) => match[1]!);
    const defaultContainer = /defaultContainer '([^']+)'/.exec(jenkinsfile)?.[1];
    for (const name of [...used, defaultContainer!]) expect(names).toContain(name);
    expect(names).toEqual(expect.arrayContaining(['node', 'mysql', 'redis', 'kaniko', 'kubectl']));
    for (const container of containers) expect(container.image, container.name).toMatch(/:v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/);
    const nodeMajor = readFileSync(path.join(repositoryRoot, '.nvmrc'), 'utf8').trim();
    expect(containers.find((container) => container.name === 'node')?.image).toMatch(new RegExp(`^node:${nodeMajor}\\.`));
    expect(pod!.spec!.serviceAccountName).toBe('jenkins-agent');
  });
});
