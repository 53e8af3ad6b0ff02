import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { applyJsonPatch, type JsonPatchOperation } from './json-patch';
import { isKubernetesObject, isNamespaced, objectId, type KubernetesObject } from './kubernetes-object';

/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset of kustomize this repository uses.
 * CI and tests must render on machines without a kubectl that bundles kustomize 5, so the subset is
 * implemented here and every other field is refused rather than ignored; a parity test compares the output
 * with kubectl's wherever kubectl is installed.
 */

export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  commonAnnotations?: Record<string, string>;
  patches?: { path?: string; patch?: string; target?: PatchTarget }[];
  images?: ImageRule[];
}

const supportedFields = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'commonAnnotations', 'patches', 'images']);
const kustomizationFileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export class KustomizeError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'KustomizeError';
  }
}

export interface RenderKustomizationOptions {
  /** Image rules merged into the top kustomization's `images`, as `kustomize edit set image` would write them. */
  images?: ImageRule[];
}

export function readKustomization(directory: string): Kustomization {
  const file = kustomizationFileNames.map((name) => path.join(directory, name)).find((candidate) => existsSync(candidate));
  if (!file) throw new KustomizeError(directory, 'no kustomization.yaml');
  const kustomization = parseYaml(readFileSync(file, 'utf8')) as Kustomization | null;
  if (!kustomization || typeof kustomization !== 'object') throw new KustomizeError(file, 'is empty');
  for (const field of Object.keys(kustomization)) {
    if (!supportedFields.has(field)) throw new KustomizeError(file, `field "${field}" is not supported by this renderer`);
  }
  if (kustomization.kind !== undefined && kustomization.kind !== 'Kustomization') {
    throw new KustomizeError(file, `kind must be Kustomization, got ${kustomization.kind}`);
  }
  return kustomization;
}

export function renderKustomization(directory: string, options: RenderKustomizationOptions = {}): KubernetesObject[] {
  const kustomization = readKustomization(directory);
  if (options.images) kustomization.images = mergeImageRules(kustomization.images ?? [], options.images);
  return sortLikeKustomize(build(directory, kustomization));
}

function build(directory: string, kustomization: Kustomization): KubernetesObject[] {
  let objects: KubernetesObject[] = [];
  const seen = new Set<string>();
  for (const resource of kustomization.resources ?? []) {
    for (const object of loadResource(directory, resource)) {
      const id = objectId(object);
      if (seen.has(id)) throw new KustomizeError(directory, `${id} is defined twice`);
      seen.add(id);
      objects.push(object);
    }
  }
  for (const patch of kustomization.patches ?? []) objects = applyPatch(directory, objects, patch);
  if (kustomization.namespace) objects = objects.map((object) => setNamespace(object, kustomization.namespace!));
  for (const rule of kustomization.labels ?? []) objects = objects.map((object) => addLabels(directory, object, rule));
  if (kustomization.commonAnnotations) {
    objects = objects.map((object) => withMetadataMap(object, 'annotations', kustomization.commonAnnotations!));
  }
  for (const rule of kustomization.images ?? []) objects = objects.map((object) => setImages(object, rule));
  return objects;
}

function loadResource(directory: string, resource: string): KubernetesObject[] {
  if (/^[a-z]+:\/\//.test(resource) || resource.startsWith('git@')) {
    throw new KustomizeError(directory, `remote resource ${resource} is not supported`);
  }
  const location = path.resolve(directory, resource);
  if (!existsSync(location)) throw new KustomizeError(directory, `resource ${resource} does not exist`);
  if (statSync(location).isDirectory()) return build(location, readKustomization(location));
  return parseObjects(location, readFileSync(location, 'utf8'));
}

export function parseObjects(where: string, text: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new KustomizeError(where, document.errors.map((error) => error.message).join('; '));
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isKubernetesObject(value)) throw new KustomizeError(where, 'a document is not a Kubernetes object (apiVersion, kind, metadata.name)');
    objects.push(value);
  }
  return objects;
}

function applyPatch(directory: string, objects: KubernetesObject[], patch: NonNullable<Kustomization['patches']>[number]): KubernetesObject[] {
  const where = patch.path ? path.join(directory, patch.path) : `${directory} (inline patch)`;
  const text = patch.path ? readFileSync(path.resolve(directory, patch.path), 'utf8') : patch.patch;
  if (text === undefined) throw new KustomizeError(where, 'a patch needs `path` or `patch`');
  const operations: unknown = parseYaml(text);
  if (!Array.isArray(operations)) {
    throw new KustomizeError(where, 'strategic merge patches are not supported by this renderer; write JSON 6902 operations');
  }
  if (!patch.target) throw new KustomizeError(where, 'a JSON 6902 patch needs a target');
  const target = patch.target;
  let matched = 0;
  const patched = objects.map((object) => {
    if (!matchesTarget(object, target)) return object;
    matched += 1;
    try {
      return applyJsonPatch(object, operations as JsonPatchOperation[]);
    } catch (error) {
      throw new KustomizeError(where, `on ${objectId(object)}: ${(error as Error).message}`);
    }
  });
  // kustomize lets a target match nothing; here that is a typo worth failing on.
  if (matched === 0) throw new KustomizeError(where, `target ${JSON.stringify(target)} matches no object`);
  return patched;
}

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function matchesSelector(values: Record<string, string> | undefined, selector: string): boolean {
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=').map((part) => part.trim());
    if (!key || value === undefined) throw new Error(`only key=value selectors are supported, got "${selector}"`);
    return values?.[key] === value;
  });
}

export function matchesTarget(object: KubernetesObject, target: PatchTarget): boolean {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  if (target.group !== undefined && !anchored(target.group).test(group!)) return false;
  if (target.version !== undefined && !anchored(target.version).test(version!)) return false;
  if (target.kind !== undefined && !anchored(target.kind).test(object.kind)) return false;
  if (target.name !== undefined && !anchored(target.name).test(object.metadata.name)) return false;
  if (target.namespace !== undefined && !anchored(target.namespace).test(object.metadata.namespace ?? '')) return false;
  if (target.labelSelector !== undefined && !matchesSelector(object.metadata.labels, target.labelSelector)) return false;
  if (target.annotationSelector !== undefined && !matchesSelector(object.metadata.annotations, target.annotationSelector)) return false;
  return true;
}

function setNamespace(object: KubernetesObject, namespace: string): KubernetesObject {
  if (!isNamespaced(object)) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

function withMetadataMap(object: KubernetesObject, field: 'labels' | 'annotations', pairs: Record<string, string>): KubernetesObject {
  return { ...object, metadata: { ...object.metadata, [field]: { ...object.metadata[field], ...pairs } } };
}

const podTemplateKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

function addLabels(directory: string, object: KubernetesObject, rule: NonNullable<Kustomization['labels']>[number]): KubernetesObject {
  if (rule.includeSelectors) throw new KustomizeError(directory, 'labels with includeSelectors are not supported (selectors are immutable)');
  const labelled = withMetadataMap(object, 'labels', rule.pairs);
  if (!rule.includeTemplates || !podTemplateKinds.has(object.kind)) return labelled;
  const spec = labelled.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  if (!spec?.template) return labelled;
  const template = { ...spec.template, metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata?.labels, ...rule.pairs } } };
  return { ...labelled, spec: { ...spec, template } };
}

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(image: string): ImageReference {
  const [withoutDigest, digest] = image.split('@') as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon === -1 ? undefined : withoutDigest.slice(colon + 1);
  return { name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function formatImageReference(reference: ImageReference): string {
  if (reference.digest) return `${reference.name}@${reference.digest}`;
  return reference.tag ? `${reference.name}:${reference.tag}` : reference.name;
}

function retarget(image: string, rule: ImageRule): string {
  const reference = parseImageReference(image);
  if (reference.name !== rule.name) return image;
  const next: ImageReference = { ...reference, name: rule.newName ?? reference.name };
  if (rule.newTag !== undefined) {
    next.tag = rule.newTag;
    delete next.digest;
  }
  if (rule.digest !== undefined) next.digest = rule.digest;
  return formatImageReference(next);
}

/** Rewrites every `containers[].image` and `initContainers[].image`, wherever they sit in the object. */
function setImages<T>(value: T, rule: ImageRule): T {
  if (Array.isArray(value)) return value.map((item) => setImages(item, rule)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(field)) {
      result[key] = field.map((container: Record<string, unknown>) =>
        typeof container.image === 'string' ? { ...setImages(container, rule), image: retarget(container.image, rule) } : setImages(container, rule),
      );
    } else {
      result[key] = setImages(field, rule);
    }
  }
  return result as T;
}

/** `kustomize edit set image`: a rule for the same name is updated field by field, a new name is appended. */
export function mergeImageRules(existing: readonly ImageRule[], overrides: readonly ImageRule[]): ImageRule[] {
  const merged = existing.map((rule) => ({ ...rule }));
  for (const override of overrides) {
    const current = merged.find((rule) => rule.name === override.name);
    if (current) Object.assign(current, override);
    else merged.push({ ...override });
  }
  return merged;
}

// kustomize's legacy order: what others depend on first, webhooks last.
const orderFirst = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const orderLast = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function rank(kind: string): number {
  const first = orderFirst.indexOf(kind);
  if (first !== -1) return first;
  const last = orderLast.indexOf(kind);
  return last === -1 ? orderFirst.length : orderFirst.length + 1 + last;
}

/** Kinds outside the lists fall between them, ordered as kustomize prints a GVK (core group as "~G"). */
function gvkKey(object: KubernetesObject): string {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['~G', object.apiVersion];
  return `${group}_${version}_${object.kind}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortLikeKustomize(objects: KubernetesObject[]): KubernetesObject[] {
  return [...objects].sort(
    (a, b) =>
      rank(a.kind) - rank(b.kind) ||
      compareStrings(gvkKey(a), gvkKey(b)) ||
      compareStrings(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
      compareStrings(a.metadata.name, b.metadata.name),
  );
}
