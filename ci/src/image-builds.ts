import path from 'node:path';
import { buildCacheRepositoryName, type ServiceName } from '@rtc/manifests';
import type { DeployPlan } from './deploy-plan';
import type { Release } from './release';
import { command, quote, shellScript } from './shell';

export interface ImageBuildOptions {
  plan: DeployPlan;
  /** The ECR registry host: <account>.dkr.ecr.<region>.amazonaws.com. */
  registry: string;
  /** The Pulumi stack: repositories are named rtc-<stack>/<service>. */
  stack: string;
  /** The checked-out repository, the build context. */
  context: string;
  /** Where each push writes the digest of its image, one file per service. */
  digestsDirectory: string;
  /** A file holding the registry password (`aws ecr get-login-password`), read on stdin. */
  passwordFile: string;
}

export function imageRepository(registry: string, stack: string, service: ServiceName): string {
  return `${registry}/rtc-${stack}/${service}`;
}

/** The repository buildah keeps the layer cache in, shared by every service's build. */
export function cacheRepository(registry: string, stack: string): string {
  return `${registry}/rtc-${stack}/${buildCacheRepositoryName}`;
}

/** The `buildah build` arguments of one service: Dockerfile.base, with the layer cache read from and written to the registry. */
export function buildahBuildArgs(options: { service: ServiceName; tag: string; image: string; cache: string; context: string }): string[] {
  return [
    'build',
    '--layers',
    `--cache-from=${options.cache}`,
    `--cache-to=${options.cache}`,
    '--file=Dockerfile.base',
    `--build-arg=SERVICE=${options.service}`,
    `--label=org.opencontainers.image.revision=${options.tag}`,
    `--tag=${options.image}`,
    options.context,
  ];
}

/**
 * One buildah build and push per service of the plan, each pushed with the commit's tag; the digest the
 * registry answers is written to <digests>/<service>, from which `ci:pin` makes the release.
 */
export function buildahScript(options: ImageBuildOptions): string {
  const cache = cacheRepository(options.registry, options.stack);
  const builds = options.plan.build.flatMap((service) => {
    const image = `${imageRepository(options.registry, options.stack, service)}:${options.plan.tag}`;
    return [
      `echo ${quote(`building ${service}`)}`,
      command('buildah', ...buildahBuildArgs({ service, tag: options.plan.tag, image, cache, context: options.context })),
      command('buildah', 'push', `--digestfile=${path.join(options.digestsDirectory, service)}`, image),
    ];
  });
  if (builds.length === 0) return shellScript('Nothing to build.', ['echo "no image to build"']);
  return shellScript(`Builds and pushes ${options.plan.build.join(', ')} at ${options.plan.tag}.`, [
    command('mkdir', '-p', options.digestsDirectory),
    `${command('buildah', 'login', '--username', 'AWS', '--password-stdin', options.registry)} < ${quote(options.passwordFile)}`,
    ...builds,
  ]);
}

export interface PromotionOptions {
  release: Release;
  from: { registry: string; stack: string; passwordFile: string };
  to: { registry: string; stack: string; passwordFile: string };
}

/**
 * Copies every image of a release, by digest, from one stack's registry to the next one's: the same
 * manifests and layers, so the digest the next stack runs is the one that passed before.
 */
export function promotionScript(options: PromotionOptions): string {
  const { release, from, to } = options;
  return shellScript(`Promotes ${release.commit} from rtc-${from.stack} to rtc-${to.stack}, digest for digest.`, [
    `${command('skopeo', 'login', '--username', 'AWS', '--password-stdin', from.registry)} < ${quote(from.passwordFile)}`,
    `${command('skopeo', 'login', '--username', 'AWS', '--password-stdin', to.registry)} < ${quote(to.passwordFile)}`,
    ...Object.entries(release.images).map(([service, digest]) =>
      command(
        'skopeo',
        'copy',
        '--all',
        '--preserve-digests',
        `docker://${imageRepository(from.registry, from.stack, service as ServiceName)}@${digest}`,
        `docker://${imageRepository(to.registry, to.stack, service as ServiceName)}:${release.commit}`,
      ),
    ),
  ]);
}
