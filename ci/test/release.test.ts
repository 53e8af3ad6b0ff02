import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsAccountOf, parseObjects, renderOverlay } from '@rtc/manifests';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeployPlan } from '../src/deploy-plan';
import { kanikoScript } from '../src/image-builds';
import { renderRelease } from '../src/release-manifests';
import { runCiScript } from './run-script';

const plan: DeployPlan = {
  tag: 'c0ffee',
  build: ['gateway', 'catalog'],
  images: { gateway: 'c0ffee', users: 'aaa', catalog: 'c0ffee', orders: 'bbb', inventory: 'aaa' },
  revisionsBefore: {},
};
// The account each overlay names (an example id until an operator sets theirs).
const accountId = { dev: awsAccountOf(renderOverlay({ overlay: 'dev' })), prod: awsAccountOf(renderOverlay({ overlay: 'prod' })) };
const registry = (account: string) => `${account}.dkr.ecr.eu-west-1.amazonaws.com`;

function imagesOf(objects: ReturnType<typeof parseObjects>): string[] {
  return objects.flatMap((object) => {
    const pod = (object.spec as { template?: { spec: { containers: { image: string }[] } } } | undefined)?.template?.spec;
    return pod ? pod.containers.map((container) => container.image) : [];
  });
}

function workDirectory(): string {
  const work = mkdtempSync(path.join(os.tmpdir(), 'rtc-render-'));
  writeFileSync(path.join(work, 'plan.json'), JSON.stringify(plan));
  workDirectories.push(work);
  return work;
}
const workDirectories: string[] = [];
afterAll(() => workDirectories.forEach((work) => rmSync(work, { recursive: true, force: true })));

describe('ci:render', () => {
  it('writes the migrations of the rebuilt subgraphs apart from the workloads, at the planned tags', async () => {
    const work = workDirectory();
    const run = await runCiScript('render', ['--overlay', 'dev', '--plan', 'plan.json', '--account-id', accountId.dev, '--out-dir', 'out'], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    const migrations = parseObjects('migrations', readFileSync(path.join(work, 'out', 'migrations.yaml'), 'utf8'));
    const workloads = parseObjects('workloads', readFileSync(path.join(work, 'out', 'workloads.yaml'), 'utf8'));
    expect(migrations.map((job) => job.metadata.name)).toEqual(['catalog-migrate']);
    expect(imagesOf(migrations)).toEqual([`${registry(accountId.dev)}/rtc-dev/catalog:c0ffee`]);
    expect(workloads.some((object) => object.kind === 'Job')).toBe(false);
    expect(imagesOf(workloads).sort()).toEqual(
      Object.entries(plan.images)
        .map(([service, tag]) => `${registry(accountId.dev)}/rtc-dev/${service}:${tag}`)
        .sort(),
    );
  });

  it('refuses an overlay that names another AWS account than the one deployed to', async () => {
    const work = workDirectory();
    const run = await runCiScript('render', ['--overlay', 'prod', '--plan', 'plan.json', '--account-id', '000000000000', '--out-dir', 'out'], { cwd: work });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`overlays/prod names AWS account ${accountId.prod}, but this release deploys to 000000000000`);
  });
});

describe('the image builds', () => {
  it('push exactly the images the rendered overlay then runs', () => {
    const script = kanikoScript({ plan, registry: registry(accountId.prod), stack: 'prod', context: '/workspace' });
    const pushed = [...script.matchAll(/--destination=(\S+)/g)].map((match) => match[1]);
    const running = imagesOf(renderRelease('prod', plan, accountId.prod).workloads);
    expect(pushed).toEqual([`${registry(accountId.prod)}/rtc-prod/gateway:c0ffee`, `${registry(accountId.prod)}/rtc-prod/catalog:c0ffee`]);
    for (const image of pushed) expect(running).toContain(image);
    expect(script).toContain('--build-arg=SERVICE=catalog');
    expect(script).toContain('--context=dir:///workspace');
  });
});
