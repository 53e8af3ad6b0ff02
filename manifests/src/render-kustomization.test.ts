import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeImageRules, parseImageReference, renderKustomization } from './render-kustomization';

const trees: string[] = [];
afterAll(() => trees.forEach((root) => rmSync(root, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'rtc-kustomize-'));
  trees.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      initContainers: [{ name: init, image: rtc/web }]
      containers: [{ name: web, image: "rtc/web:old" }, { name: sidecar, image: "busybox:1.36" }]
`;
const service = `apiVersion: v1
kind: Service
metadata: { name: web }
spec: { ports: [{ port: 80 }] }
`;

describe('renderKustomization', () => {
  it('renders nested bases, then the overlay sets namespace, labels and images', () => {
    const root = tree({
      'base/kustomization.yaml': 'resources: [app.yaml]\nnamespace: rtc\n',
      'base/app.yaml': `${deployment}---\n${service}`,
      'overlay/kustomization.yaml': `resources: [../base]
labels:
  - pairs: { environment: dev }
images:
  - name: rtc/web
    newName: registry.example/rtc-dev/web
    newTag: abc123
`,
    });
    const objects = renderKustomization(path.join(root, 'overlay'));
    expect(objects.map((object) => object.kind)).toEqual(['Service', 'Deployment']);
    const web = objects.find((object) => object.kind === 'Deployment')!;
    expect(web.metadata).toMatchObject({ namespace: 'rtc', labels: { app: 'web', environment: 'dev' } });
    const pod = (web.spec as { template: { metadata: { labels: object }; spec: Record<string, { image: string }[]> } }).template;
    // includeSelectors is off: the immutable selector and the pod labels stay as they were.
    expect(pod.metadata.labels).toEqual({ app: 'web' });
    expect(pod.spec.containers!.map((container) => container.image)).toEqual(['registry.example/rtc-dev/web:abc123', 'busybox:1.36']);
    expect(pod.spec.initContainers![0]!.image).toBe('registry.example/rtc-dev/web:abc123');
  });

  it('applies JSON 6902 patches to every object the target selects', () => {
    const root = tree({
      'kustomization.yaml': `resources: [app.yaml]
patches:
  - target: { kind: Deploy.*, labelSelector: app=web }
    patch: |-
      - op: add
        path: /spec/replicas
        value: 3
  - path: service-port.yaml
    target: { version: v1, kind: Service, name: web }
`,
      'app.yaml': `${deployment}---\n${service}`,
      'service-port.yaml': '- op: replace\n  path: /spec/ports/0/port\n  value: 8080\n',
    });
    const [svc, web] = renderKustomization(root);
    expect(web!.spec).toMatchObject({ replicas: 3 });
    expect(svc!.spec).toEqual({ ports: [{ port: 8080 }] });
  });

  it('takes image tags given at render time as kustomize edit set image would', () => {
    const root = tree({
      'kustomization.yaml': 'resources: [app.yaml]\nimages:\n  - name: rtc/web\n    newName: registry.example/web\n',
      'app.yaml': deployment,
    });
    const [web] = renderKustomization(root, { images: [{ name: 'rtc/web', newTag: 'deadbeef' }] });
    expect(JSON.stringify(web)).toContain('"registry.example/web:deadbeef"');
  });

  it('refuses fields it does not implement instead of ignoring them', () => {
    const root = tree({ 'kustomization.yaml': 'resources: [app.yaml]\nnamePrefix: x-\n', 'app.yaml': service });
    expect(() => renderKustomization(root)).toThrow(/field "namePrefix" is not supported/);
  });

  it('refuses strategic merge patches', () => {
    const root = tree({
      'kustomization.yaml': 'resources: [app.yaml]\npatches:\n  - patch: |-\n      kind: Service\n      metadata: { name: web }\n',
      'app.yaml': service,
    });
    expect(() => renderKustomization(root)).toThrow(/strategic merge patches are not supported/);
  });

  it('fails on a patch target that selects nothing', () => {
    const root = tree({
      'kustomization.yaml': 'resources: [app.yaml]\npatches:\n  - target: { kind: Service, name: wbe }\n    patch: "[]"\n',
      'app.yaml': service,
    });
    expect(() => renderKustomization(root)).toThrow(/matches no object/);
  });

  it('fails on an object defined twice', () => {
    const root = tree({ 'kustomization.yaml': 'resources: [a.yaml, b.yaml]\n', 'a.yaml': service, 'b.yaml': service });
    expect(() => renderKustomization(root)).toThrow(/v1\/Service\/\/web is defined twice/);
  });
});

describe('image references', () => {
  it('tells a registry port from a tag', () => {
    expect(parseImageReference('registry:5000/rtc/web')).toEqual({ name: 'registry:5000/rtc/web' });
    expect(parseImageReference('registry:5000/rtc/web:1.2')).toEqual({ name: 'registry:5000/rtc/web', tag: '1.2' });
    expect(parseImageReference('web@sha256:abc')).toEqual({ name: 'web', digest: 'sha256:abc' });
  });

  it('merges a new tag into the rule of the same image', () => {
    expect(
      mergeImageRules(
        [{ name: 'a', newName: 'r/a' }],
        [
          { name: 'a', newTag: 't' },
          { name: 'b', newTag: 'u' },
        ],
      ),
    ).toEqual([
      { name: 'a', newName: 'r/a', newTag: 't' },
      { name: 'b', newTag: 'u' },
    ]);
  });
});
