import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { buildCacheRepositoryName } from '@rtc/manifests';
import type { RegistrySettings } from '../config.js';
import type { RtcService } from '../services.js';

export interface RegistryArgs {
  readonly prefix: string;
  readonly settings: RegistrySettings;
  /** One repository per service; the migration job runs the subgraphs' own images. */
  readonly services: readonly RtcService[];
  readonly tags: Record<string, string>;
}

/** The lifecycle rules: untagged layers go first, then all but the newest tagged images. */
export function lifecyclePolicy(settings: RegistrySettings): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `expire untagged images after ${settings.untaggedExpiryDays} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: settings.untaggedExpiryDays },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `keep the newest ${settings.keepTaggedImages} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: settings.keepTaggedImages },
        action: { type: 'expire' },
      },
    ],
  });
}

/** The build cache's rule: cache images expire a fixed time after their push, whatever their tags. */
export function buildCacheLifecyclePolicy(settings: RegistrySettings): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `expire cache images after ${settings.buildCacheExpiryDays} days`,
        selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: settings.buildCacheExpiryDays },
        action: { type: 'expire' },
      },
    ],
  });
}

/**
 * ECR: one repository per service, plus the image builds' layer cache, all with immutable tags, scan on push, KMS encryption, a lifecycle policy. */
export class Registry extends pulumi.ComponentResource {
  readonly repositories: Record<string, aws.ecr.Repository>;
  readonly repositoryUrls: pulumi.Output<Record<string, string>>;
  readonly repositoryArns: pulumi.Output<string>[];
  /** `rtc-<stack>/build-cache`: buildah's --cache-from/--cache-to. Cache tags are content keys, so immutable tags hold. */
  readonly buildCache: aws.ecr.Repository;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('rtc:registry:Registry', name, {}, opts);
    const { prefix, tags } = args;
    const policy = lifecyclePolicy(args.settings);

    this.repositories = Object.fromEntries(
      args.services.map((service) => {
        const repository = new aws.ecr.Repository(
          `${name}-${service.name}`,
          {
            name: `${prefix}/${service.name}`,
            imageTagMutability: 'IMMUTABLE',
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: 'KMS' }],
            forceDelete: false,
            tags: { ...tags, service: service.name },
          },
          { parent: this },
        );
        new aws.ecr.LifecyclePolicy(`${name}-${service.name}`, { repository: repository.name, policy }, { parent: this });
        return [service.name, repository];
      }),
    );
    const entries = Object.entries(this.repositories);
    this.repositoryUrls = pulumi
      .all(entries.map(([service, repository]) => repository.repositoryUrl.apply((url) => [service, url] as const)))
      .apply((pairs) => Object.fromEntries(pairs));
    this.buildCache = new aws.ecr.Repository(
      `${name}-${buildCacheRepositoryName}`,
      {
        name: `${prefix}/${buildCacheRepositoryName}`,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: 'KMS' }],
        forceDelete: true,
        tags: { ...tags, purpose: 'build-cache' },
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-${buildCacheRepositoryName}`,
      { repository: this.buildCache.name, policy: buildCacheLifecyclePolicy(args.settings) },
      { parent: this },
    );
    this.repositoryArns = [...entries.map(([, repository]) => repository.arn), this.buildCache.arn];

    this.registerOutputs({ repositoryUrls: this.repositoryUrls, buildCacheRepositoryUrl: this.buildCache.repositoryUrl });
  }
}
