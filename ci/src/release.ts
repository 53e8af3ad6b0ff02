import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isImageDigest, serviceNames, type ServiceName } from '@rtc/manifests';
import { callerPath } from './cli';
import type { DeployPlan } from './deploy-plan';

/**
 * What one release runs: the image digest of every service. Dev writes it once the images are pushed;
 * production promotes the same file after the approval, so it runs exactly the images that passed in dev.
 */
export interface Release {
  /** The commit released; promoted images are tagged with it too. */
  commit: string;
  images: Record<ServiceName, string>;
}

/** The release of a plan: the digests `buildah push --digestfile` wrote for the built services, the kept ones for the rest. */
export function pinRelease(plan: DeployPlan, builtDigests: Partial<Record<ServiceName, string>>): Release {
  const images: Partial<Record<ServiceName, string>> = {};
  for (const name of serviceNames) {
    const digest = plan.build.includes(name) ? builtDigests[name] : plan.kept[name];
    if (digest === undefined) throw new Error(plan.build.includes(name) ? `no pushed digest for ${name}` : `the plan keeps no digest for ${name}`);
    images[name] = digest.trim();
  }
  return checkRelease({ commit: plan.tag, images: images as Record<ServiceName, string> }, 'release');
}

function checkRelease(release: Release, where: string): Release {
  const names = Object.keys(release.images ?? {});
  const unknown = names.filter((name) => !(serviceNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`${where} names unknown services: ${unknown.join(', ')}`);
  for (const name of serviceNames) {
    const digest = release.images[name];
    if (digest === undefined || !isImageDigest(digest)) throw new Error(`${where}: ${name} must be pinned by a sha256 digest, not ${digest ?? 'missing'}`);
  }
  if (typeof release.commit !== 'string' || release.commit === '') throw new Error(`${where}: no commit`);
  return release;
}

export function readRelease(file: string): Release {
  return checkRelease(JSON.parse(readFileSync(callerPath(file), 'utf8')) as Release, path.basename(file));
}
