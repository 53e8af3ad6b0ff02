import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { isKubernetesObject, type KubernetesObject } from './kubernetes-object';

/**
 * Renders kustomizations with the real kustomize, the one bundled in kubectl (`kubectl kustomize`): the
 * pipeline, the tests and an operator's shell all render the same objects. kubectl 1.32 or newer bundles
 * kustomize 5.5+; `scripts/prepare-machine.sh` installs one where it is missing.
 */

/** One entry of kustomize's `images` field. */
export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export class KustomizeError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'KustomizeError';
  }
}

const minimumKustomizeMajor = 5;

function kubectl(args: readonly string[]): string {
  try {
    return execFileSync('kubectl', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new KustomizeError('kubectl', 'not found on the PATH: install kubectl 1.32 or newer (scripts/prepare-machine.sh does)');
    }
    throw new KustomizeError(`kubectl ${args.join(' ')}`, (failure.stderr ?? failure.message).trim());
  }
}

let checkedVersion: string | undefined;

/** The kustomize version kubectl bundles; refuses one older than 5, whose output and fields differ. */
export function kustomizeVersion(): string {
  if (checkedVersion) return checkedVersion;
  const report = JSON.parse(kubectl(['version', '--client', '--output=json'])) as { kustomizeVersion?: string };
  const version = report.kustomizeVersion ?? '';
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
  if (major < minimumKustomizeMajor) {
    throw new KustomizeError(
      'kubectl',
      `bundles kustomize ${version || 'of unknown version'}; RTC needs kustomize ${minimumKustomizeMajor} (kubectl 1.32 or newer)`,
    );
  }
  checkedVersion = version;
  return version;
}

/** Splits a multi-document YAML stream into Kubernetes objects, refusing anything else. */
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

/** The `images` rules a kustomization declares, as written in its kustomization.yaml. */
export function declaredImages(directory: string): ImageRule[] {
  const kustomization = parseYaml(readFileSync(path.join(directory, 'kustomization.yaml'), 'utf8')) as { images?: ImageRule[] } | null;
  return kustomization?.images ?? [];
}

export interface RenderKustomizationOptions {
  /**
   * Image rules applied on top of the kustomization's output, as `kustomize edit set image` would add
   * them; `name` is the image as the kustomization renders it.
   */
  images?: readonly ImageRule[];
}

/**
 * `kubectl kustomize <directory>`, parsed. Image overrides go through kustomize too: a throwaway
 * kustomization that takes the directory as its only resource and adds the `images` rules.
 */
export function renderKustomization(directory: string, options: RenderKustomizationOptions = {}): KubernetesObject[] {
  kustomizeVersion();
  const images = options.images ?? [];
  if (images.length === 0) return parseObjects(`kubectl kustomize ${directory}`, kubectl(['kustomize', directory]));
  const wrapper = mkdtempSync(path.join(os.tmpdir(), 'rtc-kustomize-'));
  try {
    // kustomize takes resources by relative path only.
    const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [path.relative(wrapper, directory)], images };
    writeFileSync(path.join(wrapper, 'kustomization.yaml'), stringify(kustomization));
    return parseObjects(`kubectl kustomize ${directory}`, kubectl(['kustomize', wrapper]));
  } finally {
    rmSync(wrapper, { recursive: true, force: true });
  }
}
