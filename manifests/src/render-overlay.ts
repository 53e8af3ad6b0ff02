import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { KubernetesObject } from './kubernetes-object';
import { fillPlaceholders } from './placeholders';
import { renderKustomization, type ImageRule } from './render-kustomization';
import { baseImageName, type ServiceName } from './services';

export const overlays = ['dev', 'prod'] as const;
export type Overlay = (typeof overlays)[number];

export function isOverlay(value: string): value is Overlay {
  return (overlays as readonly string[]).includes(value);
}

/** The folder of this package: base/ and overlays/ sit beside src/. */
export const manifestsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function overlayDirectory(overlay: Overlay): string {
  return path.join(manifestsDirectory, 'overlays', overlay);
}

export interface RenderOverlayOptions {
  overlay: Overlay;
  /** The image tag of each service (a commit id); a service left out keeps an untagged image. */
  imageTags?: Partial<Record<ServiceName, string>>;
  /** Values of the overlay's `${NAME}` placeholders, e.g. AWS_ACCOUNT_ID; every placeholder needs one. */
  values: Readonly<Record<string, string | undefined>>;
}

/** The objects an environment runs, ready for `kubectl apply`. */
export function renderOverlay(options: RenderOverlayOptions): KubernetesObject[] {
  const images: ImageRule[] = Object.entries(options.imageTags ?? {}).map(([service, tag]) => ({
    name: baseImageName(service as ServiceName),
    newTag: tag,
  }));
  const objects = renderKustomization(overlayDirectory(options.overlay), { images });
  return fillPlaceholders(objects, options.values);
}

/** Migration Jobs run before a rollout; everything else is the rollout. */
export function isMigrationJob(object: KubernetesObject): boolean {
  return object.kind === 'Job' && object.metadata.labels?.['app.kubernetes.io/component'] === 'migration';
}

export function toYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}
