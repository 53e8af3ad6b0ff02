import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { KubernetesObject } from './kubernetes-object';
import { isImageDigest, parseImageReference } from './image-reference';
import { declaredImages, renderKustomization, type ImageRule } from './kustomize';
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
  /**
   * The image of each service: a tag (a commit id) or a digest (`sha256:...`), which pins the exact image
   * that was built and tested. A service left out keeps an untagged image.
   */
  images?: Partial<Record<ServiceName, string>>;
}

/** The objects an environment runs, ready for `kubectl apply`, rendered by `kubectl kustomize`. */
export function renderOverlay(options: RenderOverlayOptions): KubernetesObject[] {
  const directory = overlayDirectory(options.overlay);
  const repositories = new Map(declaredImages(directory).map((rule) => [rule.name, rule.newName ?? rule.name]));
  const images: ImageRule[] = Object.entries(options.images ?? {}).map(([service, version]) => {
    const name = repositories.get(baseImageName(service as ServiceName)) ?? baseImageName(service as ServiceName);
    return isImageDigest(version) ? { name, digest: version } : { name, newTag: version };
  });
  return renderKustomization(directory, { images });
}

function containerImages(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(containerImages);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, field]) =>
    (key === 'containers' || key === 'initContainers') && Array.isArray(field)
      ? field.map((container: { image?: string }) => container.image ?? '')
      : containerImages(field),
  );
}

/**
 * The one AWS account an environment's objects name, in their ECR images, IRSA role ARNs and target
 * group ARN. Two
 * accounts in one overlay, or an image from outside ECR, are an error.
 */
export function awsAccountOf(objects: readonly KubernetesObject[]): string {
  const accounts = new Set<string>();
  for (const image of containerImages(objects)) {
    const account = /^(\d{12})\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//.exec(parseImageReference(image).name)?.[1];
    if (!account) throw new Error(`${image} is not an ECR image`);
    accounts.add(account);
  }
  for (const object of objects) {
    if (object.kind === 'TargetGroupBinding') {
      const arn = (object.spec as { targetGroupARN?: string } | undefined)?.targetGroupARN ?? '';
      const account = /^arn:aws:elasticloadbalancing:[a-z0-9-]+:(\d{12}):targetgroup\//.exec(arn)?.[1];
      if (!account) throw new Error(`TargetGroupBinding ${object.metadata.name}: ${arn} is not a target group ARN`);
      accounts.add(account);
    }
    const role = object.metadata.annotations?.['eks.amazonaws.com/role-arn'];
    if (role !== undefined) {
      const account = /^arn:aws:iam::(\d{12}):role\//.exec(role)?.[1];
      if (!account) throw new Error(`${object.kind} ${object.metadata.name}: ${role} is not an IAM role ARN`);
      accounts.add(account);
    }
  }
  if (accounts.size !== 1) throw new Error(`expected one AWS account, found ${[...accounts].join(', ') || 'none'}`);
  return [...accounts][0]!;
}

/** Migration Jobs run before a rollout; everything else is the rollout. */
export function isMigrationJob(object: KubernetesObject): boolean {
  return object.kind === 'Job' && object.metadata.labels?.['app.kubernetes.io/component'] === 'migration';
}

export function toYaml(objects: readonly KubernetesObject[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}
