import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsAccountOf, parseObjects, renderOverlay, serviceNames, type ServiceName } from '@rtc/manifests';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeployPlan } from '../src/deploy-plan';
import { buildahScript, promotionScript } from '../src/image-builds';
import { pinRelease, type Release } from '../src/release';
import { renderRelease } from '../src/release-manifests';
import { runCiScript } from './run-script';

const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const plan: DeployPlan = {
  tag: 'c0ffee',
  build: ['gateway', 'catalog'],
  kept: { users: digest('1'), orders: digest('2'), inventory: digest('3'), activity: digest('4') },
};
const release: Release = pinRelease(plan, { gateway: digest('a'), catalog: digest('c') });
// What runs in the cluster before the release: catalog and the others at their kept digests.
const deployed = {
  items: serviceNames.map((name) => ({
    metadata: { name, annotations: { 'deployment.kubernetes.io/revision': '3' } },
    spec: { template: { spec: { containers: [{ name, image: `registry/${name}@${plan.kept[name] ?? digest('9')}` }] } } },
  })),
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
  writeFileSync(path.join(work, 'release.json'), JSON.stringify(release));
  writeFileSync(path.join(work, 'deployed.json'), JSON.stringify(deployed));
  workDirectories.push(work);
  return work;
}
const workDirectories: string[] = [];
afterAll(() => workDirectories.forEach((work) => rmSync(work, { recursive: true, force: true })));

describe('ci:render', () => {
  it('writes no migration when every subgraph already runs its digest', () => {
    const running = Object.fromEntries(serviceNames.map((name) => [name, { digest: release.images[name] }]));
    expect(renderRelease('dev', release, running, accountId.dev).migrations).toEqual([]);
  });

  it('writes the migrations of the subgraphs whose digest changes apart from the workloads, pinned by digest', async () => {
    const work = workDirectory();
    const run = await runCiScript(
      'render',
      ['--overlay', 'dev', '--release', 'release.json', '--deployed', 'deployed.json', '--account-id', accountId.dev, '--out-dir', 'out'],
      { cwd: work },
    );
    expect(run.code, run.stderr).toBe(0);
    const migrations = parseObjects('migrations', readFileSync(path.join(work, 'out', 'migrations.yaml'), 'utf8'));
    const workloads = parseObjects('workloads', readFileSync(path.join(work, 'out', 'workloads.yaml'), 'utf8'));
    const jobs = migrations.filter((object) => object.kind === 'Job');
    expect(jobs.map((job) => job.metadata.name)).toEqual(['catalog-migrate']);
    expect(imagesOf(migrations)).toEqual([`${registry(accountId.dev)}/rtc-dev/catalog@${digest('c')}`]);
    // What the Job's pod needs comes first, so a first release's migrations do not wait for the rollout.
    const before = migrations.slice(0, migrations.indexOf(jobs[0]!)).map((object) => `${object.kind}/${object.metadata.name}`);
    expect(before).toEqual(
      expect.arrayContaining(['ServiceAccount/catalog', 'SecretProviderClass/catalog-migration', 'ConfigMap/rtc-config', 'NetworkPolicy/allow-data-stores']),
    );
    expect(migrations.every((object) => object.metadata.namespace === 'rtc')).toBe(true);
    expect(workloads.some((object) => object.kind === 'Job')).toBe(false);
    expect(imagesOf(workloads).sort()).toEqual(
      Object.entries(release.images)
        .map(([service, image]) => `${registry(accountId.dev)}/rtc-dev/${service}@${image}`)
        .sort(),
    );
  });

  it('migrates every subgraph on a stack where nothing runs yet', () => {
    const { migrations } = renderRelease('prod', release, {}, accountId.prod);
    expect(
      migrations
        .filter((object) => object.kind === 'Job')
        .map((job) => job.metadata.name)
        .sort(),
    ).toEqual(['activity-migrate', 'catalog-migrate', 'inventory-migrate', 'orders-migrate', 'users-migrate']);
  });

  it('refuses an overlay that names another AWS account than the one deployed to', async () => {
    const work = workDirectory();
    const run = await runCiScript('render', ['--overlay', 'prod', '--release', 'release.json', '--account-id', '000000000000', '--out-dir', 'out'], {
      cwd: work,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`overlays/prod names AWS account ${accountId.prod}, but this release deploys to 000000000000`);
  });

  it('refuses a release that pins a service by tag', async () => {
    const work = workDirectory();
    writeFileSync(path.join(work, 'release.json'), JSON.stringify({ ...release, images: { ...release.images, users: 'c0ffee' } }));
    const run = await runCiScript('render', ['--overlay', 'dev', '--release', 'release.json', '--account-id', accountId.dev, '--out-dir', 'out'], {
      cwd: work,
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('users must be pinned by a sha256 digest, not c0ffee');
  });
});

describe('the images of a release', () => {
  it('push the built services to the repositories the overlay runs, and pin what the push answered', () => {
    const script = buildahScript({
      plan,
      registry: registry(accountId.dev),
      stack: 'dev',
      context: '/workspace',
      digestsDirectory: '/workspace/build/release/digests',
      passwordFile: '/workspace/build/release/ecr.password',
    });
    const pushes = [...script.matchAll(/^buildah push --digestfile=(\S+) (\S+)$/gm)].map((match) => ({ digestFile: match[1], image: match[2] }));
    expect(pushes).toEqual([
      { digestFile: '/workspace/build/release/digests/gateway', image: `${registry(accountId.dev)}/rtc-dev/gateway:c0ffee` },
      { digestFile: '/workspace/build/release/digests/catalog', image: `${registry(accountId.dev)}/rtc-dev/catalog:c0ffee` },
    ]);
    const running = imagesOf(renderRelease('dev', release, {}, accountId.dev).workloads);
    for (const push of pushes) {
      const service = path.basename(push.digestFile!) as ServiceName;
      expect(running).toContain(`${push.image!.replace(/:c0ffee$/, '')}@${release.images[service]}`);
    }
    expect(script).toContain(`buildah login --username AWS --password-stdin ${registry(accountId.dev)} < /workspace/build/release/ecr.password`);
    expect(script).toContain(`--cache-from=${registry(accountId.dev)}/rtc-dev/build-cache --cache-to=${registry(accountId.dev)}/rtc-dev/build-cache`);
  });

  it('promote to production the exact digests that passed in dev, which the prod overlay then runs', () => {
    const from = { registry: registry(accountId.dev), stack: 'dev', passwordFile: 'dev.password' };
    const to = { registry: registry(accountId.prod), stack: 'prod', passwordFile: 'prod.password' };
    const script = promotionScript({ release, from, to });
    const copies = [...script.matchAll(/^skopeo copy --all --preserve-digests docker:\/\/(\S+) docker:\/\/(\S+)$/gm)].map((match) => [match[1], match[2]]);
    expect(copies).toHaveLength(serviceNames.length);
    const running = imagesOf(renderRelease('prod', release, {}, accountId.prod).workloads);
    for (const [source, destination] of copies) {
      const [repository, pinned] = source!.split('@') as [string, string];
      expect(repository.replace(`${from.registry}/rtc-dev/`, `${to.registry}/rtc-prod/`)).toBe(destination!.replace(/:c0ffee$/, ''));
      expect(running).toContain(`${destination!.replace(/:c0ffee$/, '')}@${pinned}`);
    }
  });
});
