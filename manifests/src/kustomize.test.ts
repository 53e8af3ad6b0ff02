import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kustomizeVersion, parseObjects, renderKustomization } from './kustomize';

const work = mkdtempSync(path.join(os.tmpdir(), 'rtc-kustomize-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function kustomization(name: string, files: Record<string, string>): string {
  const directory = path.join(work, name);
  mkdirSync(directory, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(directory, file), text);
  return directory;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: example/web
`;

describe('rendering with kubectl kustomize', () => {
  it('runs a kubectl that bundles kustomize 5 or newer', () => {
    expect(kustomizeVersion()).toMatch(/^v?[5-9]\.\d+\.\d+/);
  });

  it("renders a kustomization's resources, patches and namespace as kustomize does", () => {
    const directory = kustomization('plain', {
      'deployment.yaml': deployment,
      'kustomization.yaml': `namespace: shop
resources: [deployment.yaml]
images:
  - name: example/web
    newName: registry.example/web
patches:
  - target: { kind: Deployment, name: web }
    patch: |-
      - op: add
        path: /spec/revisionHistoryLimit
        value: 3
`,
    });
    const [rendered] = renderKustomization(directory);
    expect(rendered).toMatchObject({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { revisionHistoryLimit: 3 } });
    expect(JSON.stringify(rendered)).toContain('"image":"registry.example/web"');
  });

  it('sets image tags and digests on top of the kustomization, by the name it renders', () => {
    const directory = kustomization('images', {
      'deployment.yaml': deployment,
      'kustomization.yaml': 'resources: [deployment.yaml]\nimages:\n  - name: example/web\n    newName: registry.example/web\n',
    });
    const digest = `sha256:${'ab'.repeat(32)}`;
    const imageOf = (objects: ReturnType<typeof renderKustomization>) =>
      (objects[0]!.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
    expect(imageOf(renderKustomization(directory, { images: [{ name: 'registry.example/web', newTag: 'c0ffee' }] }))).toBe('registry.example/web:c0ffee');
    expect(imageOf(renderKustomization(directory, { images: [{ name: 'registry.example/web', digest }] }))).toBe(`registry.example/web@${digest}`);
  });

  it("reports kustomize's own error, such as a patch whose test fails", () => {
    const directory = kustomization('broken', {
      'deployment.yaml': deployment,
      'kustomization.yaml': `resources: [deployment.yaml]
patches:
  - target: { kind: Deployment }
    patch: |-
      - op: test
        path: /spec/template/spec/containers/0/name
        value: api
`,
    });
    expect(() => renderKustomization(directory)).toThrow(/kubectl kustomize .*broken.*testing value/s);
  });

  it('refuses a document that is not a Kubernetes object', () => {
    expect(() => parseObjects('input', 'kind: Deployment\n')).toThrow(/input: a document is not a Kubernetes object/);
    expect(parseObjects('input', `${deployment}---\n`)).toHaveLength(1);
  });
});
