import { awsAccountOf, isMigrationJob, renderOverlay, subgraphs, validateObjects, type KubernetesObject, type Overlay, type ServiceName } from '@rtc/manifests';
import type { DeployedService } from './deploy-plan';
import type { Release } from './release';

export interface ReleaseManifests {
  /**
   * The Jobs to run before the rollout (the migrations of the subgraphs whose image changes), after what
   * they need: the ServiceAccounts, SecretProviderClasses, ConfigMap and NetworkPolicies of the namespace,
   * which a first release has not applied yet. Empty when no subgraph migrates.
   */
  migrations: KubernetesObject[];
  /** Everything else the environment runs, at the release's digests. */
  workloads: KubernetesObject[];
}

/**
 * Renders what a release applies to one stack. `accountId` is the account being deployed to: an overlay
 * still naming another (its example account, say) would run images this pipeline never pushed, so it is
 * refused. A subgraph migrates when the digest it runs there differs from the release's.
 */
export function renderRelease(
  overlay: Overlay,
  release: Release,
  deployed: Partial<Record<ServiceName, DeployedService>>,
  accountId: string,
): ReleaseManifests {
  const objects = renderOverlay({ overlay, images: release.images });
  const named = awsAccountOf(objects);
  if (named !== accountId) {
    throw new Error(
      `overlays/${overlay} names AWS account ${named}, but this release deploys to ${accountId}: set the overlay's account (manifests/README.md)`,
    );
  }
  // Nothing reaches the cluster that the schemas reject.
  const problems = validateObjects(objects);
  if (problems.length > 0) throw new Error(`the ${overlay} overlay does not validate:\n${problems.join('\n')}`);
  const migrating = new Set(
    subgraphs.filter((service) => deployed[service.name]?.digest !== release.images[service.name]).map((service) => `${service.name}-migrate`),
  );
  const jobs = objects.filter((object) => isMigrationJob(object) && migrating.has(object.metadata.name));
  const namespace = jobs[0]?.metadata.namespace;
  const prerequisites = objects.filter((object) => migrationPrerequisiteKinds.has(object.kind) && object.metadata.namespace === namespace);
  return {
    migrations: jobs.length > 0 ? [...prerequisites, ...jobs] : [],
    workloads: objects.filter((object) => !isMigrationJob(object)),
  };
}

/** What a migration Job's pod reads or is governed by, applied before it. */
const migrationPrerequisiteKinds = new Set(['ServiceAccount', 'SecretProviderClass', 'ConfigMap', 'NetworkPolicy']);
