import { parseImageReference, services, type ServiceName } from '@rtc/manifests';
import type { ChangedServices } from './changed-services';

/** What one deployment does: which images to build, and which image tag each service runs afterwards. */
export interface DeployPlan {
  /** The commit being deployed; every new image is tagged with it. */
  tag: string;
  /** Services built and rolled out with a new image (their subgraphs also migrate). */
  build: ServiceName[];
  /** The tag each service runs after the rollout. */
  images: Record<ServiceName, string>;
  /** Each Deployment's revision before the rollout, for rolling back; absent when it did not exist. */
  revisionsBefore: Partial<Record<ServiceName, number>>;
}

/** A Deployment as the cluster reports it, reduced to what the plan needs. */
export interface DeployedService {
  tag?: string;
  revision?: number;
}

interface DeploymentList {
  items: {
    metadata: { name: string; annotations?: Record<string, string> };
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  }[];
}

/** Reads `kubectl get deployments -o json` of the RTC namespace. */
export function parseDeployed(json: string): Partial<Record<ServiceName, DeployedService>> {
  const list = JSON.parse(json) as DeploymentList;
  const deployed: Partial<Record<ServiceName, DeployedService>> = {};
  for (const item of list.items) {
    const service = services.find((candidate) => candidate.name === item.metadata.name);
    if (!service) continue;
    const container = item.spec.template.spec.containers.find((candidate) => candidate.name === service.name);
    const revision = Number(item.metadata.annotations?.['deployment.kubernetes.io/revision']);
    deployed[service.name] = {
      ...(container && { tag: parseImageReference(container.image).tag }),
      ...(Number.isInteger(revision) && revision > 0 && { revision }),
    };
  }
  return deployed;
}

/**
 * Changed services get the new tag; the others keep the tag they run. A service that runs nothing yet is
 * built too, so the first deployment to an empty cluster builds everything.
 */
export function planDeployment(tag: string, changed: ChangedServices, deployed: Partial<Record<ServiceName, DeployedService>>): DeployPlan {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`"${tag}" is not a valid image tag`);
  const build = services.map((service) => service.name).filter((name) => changed.services.includes(name) || deployed[name]?.tag === undefined);
  const images = Object.fromEntries(services.map((service) => [service.name, build.includes(service.name) ? tag : deployed[service.name]!.tag!])) as Record<
    ServiceName,
    string
  >;
  const revisionsBefore = Object.fromEntries(
    services.flatMap((service) => (deployed[service.name]?.revision ? [[service.name, deployed[service.name]!.revision!]] : [])),
  );
  return { tag, build, images, revisionsBefore };
}
