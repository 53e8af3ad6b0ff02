import { isMigrationJob, renderOverlay, subgraphs, validateObjects, type KubernetesObject, type Overlay } from '@rtc/manifests';
import type { DeployPlan } from './deploy-plan';

export interface ReleaseManifests {
  /** The Jobs to run before the rollout: the migrations of the subgraphs that get a new image. */
  migrations: KubernetesObject[];
  /** Everything else the environment runs, at the plan's image tags. */
  workloads: KubernetesObject[];
}

export function renderRelease(overlay: Overlay, plan: DeployPlan, values: Readonly<Record<string, string | undefined>>): ReleaseManifests {
  const objects = renderOverlay({ overlay, imageTags: plan.images, values });
  // Nothing reaches the cluster that the schemas reject.
  const problems = validateObjects(objects);
  if (problems.length > 0) throw new Error(`the ${overlay} overlay does not validate:\n${problems.join('\n')}`);
  const migrating = new Set(subgraphs.filter((service) => plan.build.includes(service.name)).map((service) => `${service.name}-migrate`));
  return {
    migrations: objects.filter((object) => isMigrationJob(object) && migrating.has(object.metadata.name)),
    workloads: objects.filter((object) => !isMigrationJob(object)),
  };
}
