import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceNames, subgraphs } from '@rtc/manifests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedServices } from '../src/changed-services';
import { readWorkspaces, shippedWorkspaces } from '../src/workspace-graph';
import { repositoryRoot, runCiScript } from './run-script';

const everyServiceLine = serviceNames.join(' ');

/** A repository shaped like RTC's: a kit every service ships, a testkit they only test with. */
function createRepository(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rtc-changed-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const pkg = (name: string, dependencies: Record<string, string> = {}, devDependencies: Record<string, string> = {}) =>
    JSON.stringify({ name, dependencies, devDependencies });
  const workspaces = ['packages/*', 'subgraphs/*', 'gateway', 'manifests'];
  // turbo needs a package manager and a lockfile it can read to map files to packages.
  write('package.json', JSON.stringify({ name: 'rtc', private: true, packageManager: 'npm@11.19.1', workspaces }));
  write('package-lock.json', JSON.stringify({ name: 'rtc', lockfileVersion: 3, requires: true, packages: { '': { name: 'rtc', workspaces } } }));
  write('turbo.json', JSON.stringify({ tasks: {} }));
  write('Dockerfile.base', 'FROM node\n');
  write('packages/service-kit/package.json', pkg('@rtc/service-kit'));
  write('packages/service-kit/src/index.ts', 'export {};\n');
  write('packages/testkit/package.json', pkg('@rtc/testkit', { '@rtc/service-kit': '*' }));
  for (const { name } of subgraphs) {
    write(`subgraphs/${name}/package.json`, pkg(`@rtc/${name}`, { '@rtc/service-kit': '*', graphql: '^16' }, { '@rtc/testkit': '*' }));
    write(`subgraphs/${name}/src/main.ts`, '\n');
  }
  write('gateway/package.json', pkg('@rtc/gateway', { '@rtc/service-kit': '*' }, { '@rtc/testkit': '*' }));
  write('gateway/src/main.ts', '\n');
  write('manifests/package.json', pkg('@rtc/manifests'));
  write('manifests/base/kustomization.yaml', '\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=rtc', '-c', 'user.email=rtc@example.com', 'add', '-A');
  git('-c', 'user.name=rtc', '-c', 'user.email=rtc@example.com', 'commit', '-q', '-m', 'base');
  return root;
}

function commitChange(root: string, file: string): { base: string; head: string } {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  const base = git('rev-parse', 'HEAD');
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), `// ${Math.random()}\n`);
  git('-c', 'user.name=rtc', '-c', 'user.email=rtc@example.com', 'add', '-A');
  git('-c', 'user.name=rtc', '-c', 'user.email=rtc@example.com', 'commit', '-q', '-m', `change ${file}`);
  return { base, head: git('rev-parse', 'HEAD') };
}

describe('ci:changed-services', () => {
  let root: string;
  beforeAll(() => {
    root = createRepository();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const changedBy = async (file: string) => {
    const { base, head } = commitChange(root, file);
    const run = await runCiScript('changed-services', ['--repo', root, '--base', base, '--head', head]);
    expect(run.code, run.stderr).toBe(0);
    return run.stdout.trim();
  };

  it('names only the service whose own code changed', async () => {
    expect(await changedBy('subgraphs/catalog/src/main.ts')).toBe('catalog');
  });

  it('names every service when a workspace they all ship changes', async () => {
    expect(await changedBy('packages/service-kit/src/index.ts')).toBe(everyServiceLine);
  });

  it('names none when only test helpers, manifests or docs change', async () => {
    expect(await changedBy('packages/testkit/src/index.ts')).toBe('');
    expect(await changedBy('manifests/base/kustomization.yaml')).toBe('');
    expect(await changedBy('README.md')).toBe('');
  });

  it('names every service when the image recipe or the lockfile changes', async () => {
    expect(await changedBy('Dockerfile.base')).toBe(everyServiceLine);
    expect(await changedBy('package-lock.json')).toBe(everyServiceLine);
  });

  it('names every service on a first build, with no earlier commit to compare with', async () => {
    const first = await runCiScript('changed-services', ['--repo', root, '--base', '', '--head', 'HEAD']);
    expect(first.stdout.trim()).toBe(everyServiceLine);
    const unknown = await runCiScript('changed-services', ['--repo', root, '--base', '0123456789abcdef0123456789abcdef01234567']);
    expect(unknown.stdout.trim()).toBe(everyServiceLine);
  });
});

describe("RTC's own workspace graph", () => {
  it('ships the service kit inside every service and keeps the testkit out', () => {
    const packages = readWorkspaces(repositoryRoot);
    for (const service of ['@rtc/gateway', '@rtc/users', '@rtc/catalog', '@rtc/orders', '@rtc/inventory']) {
      const shipped = shippedWorkspaces(packages, service);
      expect(shipped.has('@rtc/service-kit'), service).toBe(true);
      expect(shipped.has('@rtc/testkit'), service).toBe(false);
    }
    const orders = changedServices(['subgraphs/orders/src/resolvers/Query.ts'], ['@rtc/orders'], packages).services;
    expect(orders).toContain('orders');
    expect(orders).not.toContain('users');
    expect(changedServices(['observability/prometheus/rules/alerts.yml', 'ci/Jenkinsfile'], ['@rtc/observability', '@rtc/ci'], packages).services).toEqual([]);
  });
});
