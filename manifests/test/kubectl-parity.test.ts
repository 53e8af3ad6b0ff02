import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { objectId } from '../src/kubernetes-object';
import { parseObjects, renderKustomization } from '../src/render-kustomization';
import { overlayDirectory, overlays } from '../src/render-overlay';

/** kubectl with kustomize 5 where one is installed; the renderer must then produce exactly what it does. */
function kubectlWithKustomize5(): boolean {
  try {
    return /Kustomize Version: v5\./.test(execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

describe.skipIf(!kubectlWithKustomize5())('the renderer beside kubectl kustomize', () => {
  it.each(overlays)('renders the %s overlay to the same objects', (overlay) => {
    const directory = overlayDirectory(overlay);
    const expected = parseObjects('kubectl kustomize', execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8' }));
    const actual = renderKustomization(directory);
    const byId = (objects: typeof actual) => Object.fromEntries(objects.map((object) => [objectId(object), object]));
    expect(byId(actual)).toEqual(byId(expected));
    expect(actual.map(objectId)).toEqual(expected.map(objectId));
  });
});
