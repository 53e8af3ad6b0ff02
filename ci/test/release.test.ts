import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseObjects } from '@rtc/manifests';
import { describe, expect, it } from 'vitest';
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
const accountId = '123456789012';
const registry = `${accountId}.dkr.ecr.eu-west-1.amazonaws.com`;

function imagesOf(objects: ReturnType<typeof parseObjects>): string[] {
  return objects.flatMap((object) => {
    const pod = (object.spec as { template?: { spec: { containers: { image: string }[] } } } | undefined)?.template?.spec;
    return pod ? pod.containers.map((container) => container.image) : [];
  });
}

describe('ci:render', () => {
  it('writes the migrations of the rebuilt subgraphs apart from the workloads, at the planned tags', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'rtc-render-'));
    writeFileSync(path.join(work, 'plan.json'), JSON.stringify(plan));
    const run = await runCiScript('render', ['--overlay', 'dev', '--plan', 'plan.json', '--out-dir', 'out'], {
      cwd: work,
      env: { AWS_ACCOUNT_ID: accountId },
    });
    expect(run.code, run.stderr).toBe(0);
    const migrations = parseObjects('migrations', readFileSync(path.join(work, 'out', 'migrations.yaml'), 'utf8'));
    const workloads = parseObjects('workloads', readFileSync(path.join(work, 'out', 'workloads.yaml'), 'utf8'));
    expect(migrations.map((job) => job.metadata.name)).toEqual(['catalog-migrate']);
    expect(imagesOf(migrations)).toEqual([`${registry}/rtc-dev/catalog:c0ffee`]);
    expect(workloads.some((object) => object.kind === 'Job')).toBe(false);
    expect(imagesOf(workloads).sort()).toEqual(
      Object.entries(plan.images)
        .map(([service, tag]) => `${registry}/rtc-dev/${service}:${tag}`)
        .sort(),
    );
  });

  it('fails, naming the variable, when the AWS account id is not given', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'rtc-render-'));
    writeFileSync(path.join(work, 'plan.json'), JSON.stringify(plan));
    const env = { ...process.env, AWS_ACCOUNT_ID: '' };
    const run = await runCiScript('render', ['--overlay', 'prod', '--plan', 'plan.json', '--out-dir', 'out'], { cwd: work, env });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('${AWS_ACCOUNT_ID}');
  });
});

describe('the image builds', () => {
  it('push exactly the images the rendered overlay then runs', () => {
    const script = kanikoScript({ plan, registry, stack: 'prod', context: '/workspace' });
    const pushed = [...script.matchAll(/--destination=(\S+)/g)].map((match) => match[1]);
    const running = imagesOf(renderRelease('prod', plan, { AWS_ACCOUNT_ID: accountId }).workloads);
    expect(pushed).toEqual([`${registry}/rtc-prod/gateway:c0ffee`, `${registry}/rtc-prod/catalog:c0ffee`]);
    for (const image of pushed) expect(running).toContain(image);
    expect(script).toContain('--build-arg=SERVICE=catalog');
    expect(script).toContain('--context=dir:///workspace');
  });
});
