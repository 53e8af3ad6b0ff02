import { isImageDigest, parseImageReference, services, type ServiceName } from '@rtc/manifests';
import type { ChangedServices } from './changed-services';

/** What one deployment to dev builds; the images of the others stay at the digest they run. */
export interface DeployPlan {
  /** The commit being deployed; every new image is tagged with it. */
  tag: string;
  /** Services built and pushed with a new image. */
  build: ServiceName[];
  /** The image digest each service that is not rebuilt keeps running. */
  kept: Partial<Record<ServiceName, string>>;
}

/** A Deployment as the cluster reports it, reduced to what a release needs. */
export interface DeployedService {
  /** The image digest it runs; absent when it runs an image by tag only. */
  digest?: string;
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
    const digest = container ? parseImageReference(container.image).digest : undefined;
    const revision = Number(item.metadata.annotations?.['deployment.kubernetes.io/revision']);
    deployed[service.name] = {
      ...(digest !== undefined && isImageDigest(digest) && { digest }),
      ...(Number.isInteger(revision) && revision > 0 && { revision }),
    };
  }
  return deployed;
}

/** Each Deployment's revision before a release, for rolling back. */
export function revisionsOf(deployed: Partial<Record<ServiceName, DeployedService>>): Partial<Record<ServiceName, number>> {
  return Object.fromEntries(Object.entries(deployed).flatMap(([name, service]) => (service?.revision ? [[name, service.revision]] : [])));
}

/**
 * Changed services are built at the new tag; the others keep the digest they run. A service that runs
 * nothing yet, or an image known by tag only, is built too: every release pins every image by digest, so
 * that production later runs exactly the bytes that passed in dev.
 */
export function planDeployment(tag: string, changed: ChangedServices, deployed: Partial<Record<ServiceName, DeployedService>>): DeployPlan {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`"${tag}" is not a valid image tag`);
  const build = services.map((service) => service.name).filter((name) => changed.services.includes(name) || deployed[name]?.digest === undefined);
  const kept = Object.fromEntries(
    services.filter((service) => !build.includes(service.name)).map((service) => [service.name, deployed[service.name]!.digest!]),
  );
  return { tag, build, kept };
}
