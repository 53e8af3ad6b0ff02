import { execFileSync } from 'node:child_process';
import { services, type ServiceName } from '@rtc/manifests';
import { shippedWorkspaces, type WorkspacePackage } from './workspace-graph';

/** Files outside the workspaces that every image is built from (Dockerfile.base copies or reads them). */
export const imageWideFiles = ['package.json', 'package-lock.json', 'turbo.json', '.nvmrc', 'Dockerfile.base', '.dockerignore', 'scripts/build-service.mjs'];

export interface ChangedServices {
  services: ServiceName[];
  /** Why each service needs a new image: the first changed file that reaches it. */
  reasons: Partial<Record<ServiceName, string>>;
}

export function everyService(reason: string): ChangedServices {
  return { services: services.map((service) => service.name), reasons: Object.fromEntries(services.map((service) => [service.name, reason])) };
}

/**
 * The services whose image changes: every one when an image-wide file changed, otherwise those that ship a changed
 * package (their own or a workspace among their runtime dependencies).
 */
export function changedServices(changedFiles: readonly string[], changedPackages: readonly string[], packages: readonly WorkspacePackage[]): ChangedServices {
  const wide = changedFiles.find((file) => imageWideFiles.includes(file));
  if (wide) return everyService(`${wide} changed`);
  const result: ChangedServices = { services: [], reasons: {} };
  for (const service of services) {
    const shipped = shippedWorkspaces(packages, service.workspace);
    const cause = changedPackages.find((name) => shipped.has(name));
    if (cause) {
      result.services.push(service.name);
      result.reasons[service.name] = `${cause} changed`;
    }
  }
  return result;
}

function git(repository: string, args: string[]): string {
  return execFileSync('git', ['-C', repository, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Files changed between two commits, or undefined when the base is unknown here (first build, rewritten history). */
export function gitChangedFiles(repository: string, base: string | undefined, head: string): string[] | undefined {
  if (!base) return undefined;
  try {
    git(repository, ['cat-file', '-e', `${base}^{commit}`]);
  } catch {
    return undefined;
  }
  return git(repository, ['diff', '--name-only', '--no-renames', base, head])
    .split('\n')
    .filter((line) => line.length > 0);
}
