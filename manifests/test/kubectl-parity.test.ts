import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { objectId } from '../src/kubernetes-object';
import { parseObjects, renderKustomization } from '../src/render-kustomization';
import { overlayDirectory, overlays } from '../src/render-overlay';

// What `kubectl kustomize` (kustomize v5) renders for each overlay, committed so the comparison runs everywhere:
// Debian's apt has no kubectl 1.2x. After changing an overlay, regenerate with `npm run kustomize:reference -w @rtc/manifests`.
const referenceOf = (overlay: string) => readFileSync(new URL(`./kubectl-kustomize/${overlay}.yaml`, import.meta.url), 'utf8');

describe('the renderer beside kubectl kustomize', () => {
  it.each(overlays)('renders the %s overlay to the same objects', (overlay) => {
    const expected = parseObjects('kubectl kustomize', referenceOf(overlay));
    const actual = renderKustomization(overlayDirectory(overlay));
    const byId = (objects: typeof actual) => Object.fromEntries(objects.map((object) => [objectId(object), object]));
    expect(byId(actual)).toEqual(byId(expected));
    expect(actual.map(objectId)).toEqual(expected.map(objectId));
  });
});
