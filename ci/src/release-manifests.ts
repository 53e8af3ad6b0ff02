import { awsAccountOf, isMigrationJob, renderOverlay, subgraphs, validateObjects, type KubernetesObject, type Overlay } from '@rtc/manifests';
import type { DeployPlan } from './deploy-plan';

export interface ReleaseManifests {
  /** The Jobs to run before the rollout: the migrations of the subgraphs that get a new image. */
  migrations: KubernetesObject[];
  /** Everything else the environment runs, at the plan's image tags. */
  workloads: KubernetesObject[];
}

/**
 * Renders what a release applies. `accountId` is the account being deployed to: an overlay still naming
 * another (its example account, say) would run images this pipeline never pushed, so it is refused.
 */
export function renderRelease(overlay: Overlay, plan: DeployPlan, accountId: string): ReleaseManifests {
  const objects = renderOverlay({ overlay, imageTags: plan.images });
  const named = awsAccountOf(objects);
  if (named !== accountId) {
    throw new Error(
      `overlays/${overlay} names AWS account ${named}, but this release deploys to ${accountId}: set the overlay's account (manifests/README.md)`,
    );
  }
  // Nothing reaches the cluster that the schemas reject.
  const problems = validateObjects(objects);
  if (problems.length > 0) throw new Error(`the ${overlay} overlay does not validate:\n${problems.join('\n')}`);
  const migrating = new Set(subgraphs.filter((service) => plan.build.includes(service.name)).map((service) => `${service.name}-migrate`));
  return {
    migrations: objects.filter((object) => isMigrationJob(object) && migrating.has(object.metadata.name)),
    workloads: objects.filter((object) => !isMigrationJob(object)),
  };
}
