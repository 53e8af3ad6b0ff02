import type { ServiceName } from '@rtc/manifests';
import type { DeployPlan } from './deploy-plan';
import { command, shellScript } from './shell';

export interface ImageBuildOptions {
  plan: DeployPlan;
  /** The ECR registry host: <account>.dkr.ecr.<region>.amazonaws.com. */
  registry: string;
  /** The Pulumi stack: repositories are named rtc-<stack>/<service>. */
  stack: string;
  /** The checked-out repository, the build context. */
  context: string;
}

export function imageRepository(registry: string, stack: string, service: ServiceName): string {
  return `${registry}/rtc-${stack}/${service}`;
}

/** One kaniko build per service of the plan, from Dockerfile.base, pushed with the commit's tag. */
export function kanikoScript(options: ImageBuildOptions): string {
  const builds = options.plan.build.flatMap((service) => [
    `echo ${command(`building ${service}`)}`,
    command(
      '/kaniko/executor',
      `--context=dir://${options.context}`,
      '--dockerfile=Dockerfile.base',
      `--build-arg=SERVICE=${service}`,
      `--destination=${imageRepository(options.registry, options.stack, service)}:${options.plan.tag}`,
      `--label=org.opencontainers.image.revision=${options.plan.tag}`,
      '--snapshot-mode=redo',
      // Several builds share this container; each must start from a clean filesystem.
      '--cleanup',
    ),
  ]);
  return shellScript(
    `Builds and pushes ${options.plan.build.join(', ') || 'nothing'} at ${options.plan.tag}.`,
    builds.length > 0 ? builds : ['echo "no image to build"'],
  );
}
